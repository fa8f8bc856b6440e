-- Grid schema 1: the query catalogue the Orleans ADO.NET providers read once at start-up.
-- Orleans selects "QueryKey, QueryText FROM OrleansQuery"; every later script upserts its own entries, so
-- running a script again replaces the text with the same text and changes nothing.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64)   NOT NULL PRIMARY KEY,
    QueryText varchar(8000) NOT NULL
);
