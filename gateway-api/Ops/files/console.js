// The Grid ops console: four panels over the /api/v1 ops endpoints. No framework, no build step. The browser sends the
// ops key it was asked for (Basic authentication) with every call.
'use strict';

// Beside /ops/, on this origin; built from the origin so that a page opened as http://user:key@host/ops/ can still fetch
// (a fetch URL may not carry credentials).
const API = location.origin + new URL('../api/v1', location.href).pathname;

// ---- small helpers ------------------------------------------------------------------------------------------------

/** Makes an element: el('td', { class: 'n' }, 'text', child, ...); attributes starting with "on" are listeners. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** Hands out numbers per panel so that an answer which arrives after a newer request's is dropped, not shown. */
const latest = {};
const ticket = panel => (latest[panel] = (latest[panel] ?? 0) + 1);
const stale = (panel, number) => latest[panel] !== number;

function say(panel, message, isError = false) {
  const status = document.querySelector(`#${panel} .status`);
  status.textContent = message;
  status.classList.toggle('error', isError);
}

const who = () => document.getElementById('who').value.trim() || undefined;

const percent = rate => (rate === null || rate === undefined ? '–' : `${(rate * 100).toFixed(1)} %`);

function duration(seconds) {
  if (seconds === null || seconds === undefined) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(0)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

const time = iso => (iso ? new Date(iso).toLocaleString() : '–');

function table(headings, rows) {
  return el('table', {},
    el('thead', {}, el('tr', {}, headings.map(h => el('th', {}, h)))),
    el('tbody', {}, rows.length > 0 ? rows : el('tr', {}, el('td', { colspan: headings.length, class: 'empty' }, 'None.'))));
}

// ---- KPIs ---------------------------------------------------------------------------------------------------------

/** A small line chart of one trend series (null buckets break the line), drawn as inline SVG. */
function sparkline(values, label) {
  const width = 120, height = 28, pad = 2;
  const known = values.filter(v => v !== null && v !== undefined);
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'spark');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${label} trend`);
  if (known.length === 0) return svg;
  const low = Math.min(...known), high = Math.max(...known), span = high - low || 1;
  const x = i => pad + (i * (width - 2 * pad)) / Math.max(1, values.length - 1);
  const y = v => height - pad - ((v - low) * (height - 2 * pad)) / span;
  let segment = [];
  const flush = () => {
    if (segment.length > 0) {
      const line = document.createElementNS('http://www.w3.org/2000/svg', segment.length > 1 ? 'polyline' : 'circle');
      if (segment.length > 1) line.setAttribute('points', segment.join(' '));
      else {
        const [cx, cy] = segment[0].split(',');
        line.setAttribute('cx', cx); line.setAttribute('cy', cy); line.setAttribute('r', 1.5);
      }
      svg.append(line);
    }
    segment = [];
  };
  values.forEach((v, i) => (v === null || v === undefined ? flush() : segment.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`)));
  flush();
  return svg;
}

function tile(label, value, note, series) {
  return el('div', { class: 'tile', 'data-kpi': label },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value' }, value),
    el('div', { class: 'note' }, note),
    series ? sparkline(series, label) : null);
}

async function loadKpis() {
  const window = document.getElementById('kpi-window').value;
  const tiles = document.querySelector('#kpis .tiles');
  const tables = document.querySelector('#kpis .tables');
  const number = ticket('kpis');
  let k;
  try {
    k = await api('GET', `/ops/kpis?window=${encodeURIComponent(window)}`);
  } catch (e) {
    if (stale('kpis', number)) return;
    tiles.replaceChildren();
    tables.replaceChildren();
    say('kpis', e.status === 404 ? 'KPIs unavailable: this gateway does not serve /api/v1/ops/kpis.' : `KPIs could not be read: ${e.message}`, e.status !== 404);
    return;
  }

  if (stale('kpis', number)) return;
  const trend = key => k.trend.map(b => b[key]);
  tiles.replaceChildren(
    tile('Order fallout', percent(k.orderFallout.rate), `${k.orderFallout.needingAttention} of ${k.orderFallout.orders} orders needed a person`, trend('orderFalloutRate')),
    tile('Fill rate', percent(k.fillRate.rate), `${k.fillRate.filledOnFirstAllocation} of ${k.fillRate.lines} lines filled on first allocation`, trend('fillRate')),
    tile('Promise accuracy', percent(k.promiseAccuracy.rate), `${k.promiseAccuracy.shippedByPromise} of ${k.promiseAccuracy.linesShipped} lines shipped by the promised date`, trend('promiseAccuracy')),
    tile('Exceptions resolved', String(k.trend.reduce((sum, b) => sum + (b.exceptionsResolved ?? 0), 0)), 'in the window', trend('exceptionsResolved')),
    tile('Exception resolution p50', duration(trend('exceptionResolutionP50Seconds').filter(v => v !== null && v !== undefined).at(-1)),
      'latest bucket with resolutions', trend('exceptionResolutionP50Seconds')),
    tile('Shipment propagation', duration(k.shipmentPropagation.p50Seconds), `p99 ${duration(k.shipmentPropagation.p99Seconds)} over ${k.shipmentPropagation.count} shipments`),
    tile('Order cycle time', duration(k.orderCycleTime.p50Seconds), `p90 ${duration(k.orderCycleTime.p90Seconds)} over ${k.orderCycleTime.count} orders`),
    tile('Reconciliation drift', k.reconciliationDrift ? `${k.reconciliationDrift.units} units` : '–',
      k.reconciliationDrift ? `${k.reconciliationDrift.skuLocations} SKU-locations at ${time(k.reconciliationDrift.at)}` : 'no stock snapshot yet'));
  tables.replaceChildren(
    el('div', {}, el('h3', {}, 'Sync latency per target'),
      table(['target', 'events', 'p50', 'p99'], k.syncLatency.map(s =>
        el('tr', {}, el('td', {}, s.target), el('td', { class: 'n' }, s.count), el('td', { class: 'n' }, duration(s.p50Seconds)), el('td', { class: 'n' }, duration(s.p99Seconds)))))),
    el('div', {}, el('h3', {}, 'Exception resolution time per kind'),
      table(['kind', 'resolved', 'p50', 'p90'], k.exceptionResolution.map(r =>
        el('tr', { 'data-kind': r.kind }, el('td', {}, r.kind), el('td', { class: 'n' }, r.resolved), el('td', { class: 'n' }, duration(r.p50Seconds)), el('td', { class: 'n' }, duration(r.p90Seconds)))))));
  say('kpis', `From ${time(k.from)} to ${time(k.to)}.`);
}

// ---- the exception queue ------------------------------------------------------------------------------------------

const queue = { cursors: [null], page: 0 };

function exceptionQuery() {
  const form = new FormData(document.getElementById('exception-filters'));
  const query = new URLSearchParams({ limit: '25' });
  for (const [name, value] of form) if (String(value).trim()) query.set(name, String(value).trim());
  const cursor = queue.cursors[queue.page];
  if (cursor) query.set('cursor', cursor);
  return query;
}

async function loadExceptions() {
  const number = ticket('exceptions');
  try {
    const page = await api('GET', `/ops/exceptions?${exceptionQuery()}`);
    if (stale('exceptions', number)) return;
    const rows = document.getElementById('exception-rows');
    rows.replaceChildren(...page.exceptions.map(exceptionRow));
    if (page.exceptions.length === 0) rows.append(el('tr', {}, el('td', { colspan: 8, class: 'empty' }, 'Nothing here.')));
    queue.cursors[queue.page + 1] = page.nextCursor;
    document.getElementById('exceptions-next').disabled = !page.nextCursor;
    document.getElementById('exceptions-first').disabled = queue.page === 0;
    say('exceptions', `Page ${queue.page + 1}: ${page.exceptions.length} exception(s)${page.nextCursor ? ', more on the next page' : ''}.`);
  } catch (e) {
    if (!stale('exceptions', number)) say('exceptions', `The queue could not be read: ${e.message}`, true);
  }
}

function subjectCell(subject) {
  if (subject.type === 'skuLocation') {
    return el('a', { href: `#atp=${encodeURIComponent(subject.id)}`, onclick: () => explain(subject.id) }, subject.id);
  }
  return `${subject.type} ${subject.id}`;
}

function stateCell(x) {
  if (x.state === 'resolved') return el('span', {}, el('span', { class: 'state resolved' }, 'resolved'), ` by ${x.resolvedBy}: ${x.resolution ?? ''}`);
  if (x.state === 'acknowledged') return el('span', {}, el('span', { class: 'state acknowledged' }, 'acknowledged'), ` by ${x.acknowledgedBy}${x.assignedTo ? `, assigned to ${x.assignedTo}` : ''}`);
  return el('span', { class: 'state open' }, 'open');
}

function exceptionRow(x) {
  const actions = el('td', { class: 'actions' });
  const row = el('tr', { 'data-exception-id': x.id },
    el('td', {}, el('span', { class: `severity ${x.severity}` }, x.severity)),
    el('td', {}, x.kind),
    el('td', {}, subjectCell(x.subject)),
    el('td', { class: 'detail' }, x.detail),
    el('td', {}, time(x.firstSeenAt)),
    el('td', { class: 'n' }, x.count),
    el('td', { class: 'state-cell' }, stateCell(x)),
    actions);

  const act = async (action, body) => {
    try {
      const updated = await api('POST', `/ops/exceptions/${encodeURIComponent(x.id)}/${action}`, body);
      row.replaceWith(exceptionRow(updated));
      say('exceptions', `Exception ${x.id} is ${updated.state}.`);
    } catch (e) {
      say('exceptions', `Could not ${action} exception ${x.id}: ${e.message}`, true);
    }
  };

  if (x.state === 'open') actions.append(el('button', { type: 'button', onclick: () => act('acknowledge', { by: who() }) }, 'Acknowledge'));
  if (x.state !== 'resolved') {
    const note = el('input', { name: 'note', placeholder: 'What was done?', 'aria-label': `Resolution note for ${x.id}`, required: true });
    const form = el('form', { class: 'resolve', hidden: true, onsubmit: event => { event.preventDefault(); act('resolve', { by: who(), note: note.value.trim() }); } },
      note, el('button', { type: 'submit' }, 'Confirm resolve'));
    actions.append(el('button', { type: 'button', onclick: () => { form.hidden = false; note.focus(); } }, 'Resolve'), form);
  } else {
    actions.append(el('button', { type: 'button', onclick: () => act('reopen', { by: who() }) }, 'Reopen'));
  }
  return row;
}

// ---- streams, outbound, cluster -----------------------------------------------------------------------------------

async function loadFlows() {
  const number = ticket('flows');
  const [streams, outbox, cluster] = await Promise.allSettled([api('GET', '/ops/streams'), api('GET', '/ops/outbox'), api('GET', '/ops/cluster')]);
  if (stale('flows', number)) return;
  const failed = [streams, outbox, cluster].filter(r => r.status === 'rejected').map(r => r.reason.message);
  say('flows', failed.length ? `Could not read: ${failed.join('; ')}` : `Read at ${new Date().toLocaleTimeString()}.`, failed.length > 0);
  if (streams.status === 'fulfilled') renderStreams(streams.value);
  if (outbox.status === 'fulfilled') renderOutbox(outbox.value);
  if (cluster.status === 'fulfilled') renderCluster(cluster.value);
}

async function flowAction(path, body, done) {
  try {
    const result = await api('POST', path, body);
    say('flows', done(result));
    await loadFlows();
  } catch (e) {
    say('flows', `${path}: ${e.message}`, true);
  }
}

function renderStreams(s) {
  const root = document.getElementById('streams');
  if (!s.durable) {
    root.replaceChildren(el('p', {}, `${s.provider}: in memory (dev mode); no depth or dead letters are kept.`));
    return;
  }
  root.replaceChildren(
    el('p', {}, `${s.provider}: depth ${s.depth}, oldest waiting ${duration(s.oldestAgeSeconds)}, dead letters ${s.deadLetters}. `,
      s.deadLetters > 0 ? el('button', { type: 'button', onclick: () => flowAction('/ops/streams/dead-letters/replay', {}, r => `${r.replayed} dead letter(s) put back on their queues.`) }, 'Replay all dead letters') : null),
    s.queues.length ? table(['queue', 'depth', 'oldest enqueued'], s.queues.map(q => el('tr', {}, el('td', {}, q.queueId), el('td', { class: 'n' }, q.depth), el('td', {}, time(q.oldestEnqueuedAt))))) : '',
    s.recentDeadLetters.length ? table(['message', 'stream', 'attempts', 'dead-lettered', 'reason'], s.recentDeadLetters.map(d =>
      el('tr', {}, el('td', {}, d.messageId), el('td', {}, d.stream), el('td', { class: 'n' }, d.deliveryAttempts), el('td', {}, time(d.deadLetteredAt)), el('td', { class: 'detail' }, d.reason)))) : '');
}

function renderOutbox(o) {
  const root = document.getElementById('outbox');
  if (o.targets.length === 0) {
    root.replaceChildren(el('p', {}, 'No outbound target is configured (Grid:Outbound:Targets).'));
    return;
  }
  root.replaceChildren(table(
    ['target', 'state', 'depth', 'in flight', 'oldest', 'delivered', 'failed attempts', 'dead letters', 'lag p50', 'lag p99', 'last error', ''],
    o.targets.map(t => {
      const path = `/ops/outbox/${encodeURIComponent(t.target)}`;
      return el('tr', { 'data-target': t.target },
        el('td', {}, t.target),
        el('td', { class: 'target-state' }, t.paused ? 'paused' : 'delivering'),
        el('td', { class: 'n' }, t.depth),
        el('td', { class: 'n' }, t.inFlight),
        el('td', { class: 'n' }, duration(t.oldestAgeSeconds)),
        el('td', { class: 'n' }, t.delivered),
        el('td', { class: 'n' }, t.failedAttempts),
        el('td', { class: 'n' }, t.deadLetters),
        el('td', { class: 'n' }, duration(t.lagP50Seconds)),
        el('td', { class: 'n' }, duration(t.lagP99Seconds)),
        el('td', { class: 'detail' }, t.lastError ?? ''),
        el('td', { class: 'actions' },
          t.paused
            ? el('button', { type: 'button', onclick: () => flowAction(`${path}/resume`, undefined, () => `${t.target} resumed.`) }, 'Resume')
            : el('button', { type: 'button', onclick: () => flowAction(`${path}/pause`, undefined, () => `${t.target} paused.`) }, 'Pause'),
          t.deadLetters > 0
            ? el('button', { type: 'button', onclick: () => flowAction(`${path}/dead-letters/replay`, {}, r => `${r.replayed} dead letter(s) of ${t.target} queued again.`) }, 'Replay dead letters')
            : null));
    })));
}

function renderCluster(c) {
  document.getElementById('cluster').replaceChildren(
    el('p', {}, `${c.silos} silo(s), ${c.activations} grain activations.`),
    table(['silo', 'status', 'activations', 'recently used', 'CPU', 'memory'], c.members.map(m =>
      el('tr', {}, el('td', {}, m.address), el('td', {}, m.status), el('td', { class: 'n' }, m.activations), el('td', { class: 'n' }, m.recentlyUsedActivations),
        el('td', { class: 'n' }, `${m.cpuUsagePercent.toFixed(0)} %`), el('td', { class: 'n' }, `${(m.memoryUsageBytes / 1048576).toFixed(0)} MiB`)))));
}

// ---- why is ATP N -------------------------------------------------------------------------------------------------

async function explain(key) {
  document.querySelector('#atp-search [name=key]').value = key;
  const root = document.getElementById('atp-explanation');
  const number = ticket('atp');
  let d;
  try {
    d = await api('GET', `/inventory/${encodeURIComponent(key)}`);
  } catch (e) {
    if (stale('atp', number)) return;
    root.replaceChildren();
    say('atp', `${key}: ${e.problem?.errors ? Object.values(e.problem.errors).flat().join(' ') : e.message}`, true);
    return;
  }

  if (stale('atp', number)) return;
  const fenced = d.ringFences.reduce((sum, f) => sum + f.remaining, 0);
  const step = (sign, label, value) => el('tr', {}, el('td', { class: 'sign' }, sign), el('td', {}, label), el('td', { class: 'n' }, value));
  root.replaceChildren(
    el('p', { class: 'headline' }, `ATP at ${d.sku}@${d.location} is `, el('strong', { 'data-testid': 'atp-available' }, d.available),
      d.stale ? el('span', { class: 'severity warning' }, 'stale') : null),
    el('table', { class: 'sum' }, el('tbody', {},
      step('', 'on hand', d.onHand),
      step('−', 'damaged', d.damaged),
      step('−', 'quarantine', d.quarantine),
      step('−', 'safety stock', d.safetyStock),
      step('=', 'sellable', d.sellable),
      step('−', 'reserved (active reservations)', d.reserved),
      step('−', 'allocated to orders', d.allocated),
      step('−', 'held for backorders', d.heldForBackorders),
      step('−', 'ring-fenced for channels', fenced),
      step('=', 'available to promise (never below zero)', d.available))),
    el('p', {}, `As of ${time(d.asOf)}; last warehouse event ${time(d.lastWarehouseEventAt)}${d.stale ? ' (stale)' : ''}.`),
    section('Reservations', ['reservation', 'channel', 'quantity', 'expires'], d.reservations, r => [r.reservationId, r.channel, r.quantity, time(r.expiresAt)]),
    section('Allocations', ['order', 'channel', 'quantity'], d.allocations, a => [a.orderId, a.channel ?? '', a.quantity]),
    section('Ring-fences', ['channel', 'fenced', 'used', 'remaining'], d.ringFences, f => [f.channel, f.fenced, f.used, f.remaining]),
    section('Inbound supply', ['reference', 'quantity', 'ETA'], d.inbound, i => [i.reference, i.quantity, time(i.eta)]),
    section('Last movements', ['type', 'quantity', 'on hand after', 'event', 'occurred'], d.recentMovements, m => [m.type + (m.flagged ? ' (flagged)' : ''), m.quantity, m.onHandAfter, m.eventId, time(m.occurredAt)]),
    section('Invariant checks failed', ['rule', 'detail', 'at'], d.invariantViolations, v => [v.rule, v.detail, time(v.at)]));
  say('atp', `${key} explained.`);
}

function section(title, headings, items, cells) {
  if (!items || items.length === 0) return el('p', { class: 'none' }, `${title}: none.`);
  return el('div', {}, el('h3', {}, title), table(headings, items.map(item => el('tr', {}, cells(item).map(c => el('td', {}, c))))));
}

// ---- wiring -------------------------------------------------------------------------------------------------------

const loaders = { kpis: loadKpis, exceptions: loadExceptions, flows: loadFlows };

document.addEventListener('DOMContentLoaded', () => {
  const whoInput = document.getElementById('who');
  whoInput.value = localStorage.getItem('grid.ops.who') ?? '';
  whoInput.addEventListener('change', () => localStorage.setItem('grid.ops.who', whoInput.value.trim()));

  for (const button of document.querySelectorAll('[data-refresh]')) button.addEventListener('click', () => loaders[button.dataset.refresh]());
  document.getElementById('kpi-window').addEventListener('change', loadKpis);
  document.getElementById('exception-filters').addEventListener('submit', event => {
    event.preventDefault();
    queue.cursors = [null];
    queue.page = 0;
    loadExceptions();
  });
  document.getElementById('exceptions-next').addEventListener('click', () => { queue.page++; loadExceptions(); });
  document.getElementById('exceptions-first').addEventListener('click', () => { queue.page = 0; loadExceptions(); });
  document.getElementById('atp-search').addEventListener('submit', event => {
    event.preventDefault();
    explain(new FormData(event.target).get('key').trim());
  });

  loadKpis();
  loadExceptions();
  loadFlows();
  // A link to /ops/#atp=SKU-1@DC1 opens with that SKU-location explained.
  if (location.hash.startsWith('#atp=')) explain(decodeURIComponent(location.hash.slice('#atp='.length)));
  // The figures move on by themselves; the queue is reloaded when asked, so that a row is not replaced under a click.
  setInterval(() => { loadKpis(); loadFlows(); }, 15000);
});
