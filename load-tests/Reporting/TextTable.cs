namespace Grid.LoadTests.Reporting;

/// <summary>A plain-text table: columns padded to their widest cell, the ones named left-aligned, the others right-aligned.</summary>
internal static class TextTable
{
    public static void Write(TextWriter writer, IReadOnlyList<string[]> rows, params int[] leftAligned)
    {
        var widths = Enumerable.Range(0, rows.Max(r => r.Length)).Select(i => rows.Max(r => i < r.Length ? r[i].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            writer.WriteLine(string.Join("  ", row.Select((cell, i) => leftAligned.Contains(i) ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        }
    }
}
