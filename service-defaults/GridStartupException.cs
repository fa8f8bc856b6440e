namespace Grid.Hosting;

/// <summary>A setting or dependency that keeps a Grid process from starting; its message says what and how to fix it.</summary>
public sealed class GridStartupException(string message, Exception? innerException = null) : Exception(message, innerException);
