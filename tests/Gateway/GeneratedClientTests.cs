using System.Diagnostics;
using System.Text;

namespace Grid.Tests.Gateway;

/// <summary>
/// A client generator can trust docs/openapi.json: scripts/check-openapi-client.sh generates a C# client from it with
/// Kiota and compiles a typed warehouse receipt POST against it.
/// </summary>
[Trait("Category", "Gateway")]
public sealed class GeneratedClientTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task A_Kiota_client_generated_from_the_committed_document_compiles_a_typed_receipt_post()
    {
        var root = RepositoryRoot();
        var info = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", "check-openapi-client.sh")])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // The test host's own MSBuild settings would steer the script's builds.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH").ToList())
        {
            info.Environment.Remove(name);
        }

        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }

        output.Append(await stdout).Append(await stderr);
        Assert.True(process.HasExited && process.ExitCode == 0,
            $"scripts/check-openapi-client.sh failed (or took over {Deadline.TotalMinutes} minutes):\n{output}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Grid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Grid.sln not found above the test binaries.");
    }
}
