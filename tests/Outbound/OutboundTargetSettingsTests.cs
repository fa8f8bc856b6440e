using Grid.Outbound;
using Microsoft.Extensions.Options;

namespace Grid.Tests.Outbound;

/// <summary>Target settings as the silo reads them, and the routing of event types to targets.</summary>
[Trait("Category", "Unit")]
public sealed class OutboundTargetSettingsTests
{
    [Fact]
    public void Target_settings_are_checked_at_start_up_naming_each_bad_key()
    {
        var options = new OutboundOptions
        {
            Partitions = 0,
            Targets =
            {
                ["erp"] = new OutboundTargetOptions { Url = "ftp://erp", Secret = "whsec_%%%", EventTypes = ["grid.nothing.*"], MaxAttempts = 0 },
                ["bad name"] = new OutboundTargetOptions { Url = "https://crm.example", EventTypes = ["*"] },
            },
        };

        var result = new OutboundOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (var key in new[]
        {
            "Grid:Outbound:Partitions", "Grid:Outbound:Targets:erp:Url", "Grid:Outbound:Targets:erp:Secret", "Grid:Outbound:Targets:erp:EventTypes:0",
            "Grid:Outbound:Targets:erp:MaxAttempts", "Grid:Outbound:Targets:bad name:", "Grid:Outbound:Targets:bad name:Secret",
        })
        {
            Assert.Contains(result.Failures!, f => f.StartsWith(key, StringComparison.Ordinal));
        }

        var router = new OutboundRouter(Options.Create(new OutboundOptions
        {
            Targets =
            {
                ["crm"] = new OutboundTargetOptions { EventTypes = ["grid.order.*", "grid.commitment.revised.v1"] },
                ["erp"] = new OutboundTargetOptions { EventTypes = ["*"] },
            },
        }));
        Assert.Equal(["crm", "erp"], router.TargetsFor("grid.order.shipped.v1"));
        Assert.Equal(["erp"], router.TargetsFor("grid.inventory.availability.changed.v1"));
        Assert.Equal(router.PartitionOf("order/42"), router.PartitionOf("order/42"));
    }
}
