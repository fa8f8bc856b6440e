#!/usr/bin/env bash
# Checks that docs/openapi.json makes a usable typed client: Kiota (the local tool in .config/dotnet-tools.json)
# generates a C# client from it into a temporary folder, and a small console project that puts a typed receipt event
# in the body of POST /api/v1/warehouse/events must compile. Needs only the .NET SDK and the NuGet feed.
#   scripts/check-openapi-client.sh [path/to/openapi.json]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
document="$(realpath "${1:-$root/docs/openapi.json}")"
kiota_packages_version=2.1.6

work="$(mktemp -d "${TMPDIR:-/tmp}/grid-openapi-client.XXXXXX")"
trap 'rm -rf "$work"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 KIOTA_TUTORIAL_ENABLED=false KIOTA_OFFLINE_ENABLED=true

cd "$root"
dotnet tool restore >/dev/null
dotnet kiota generate --language CSharp --openapi "$document" --output "$work/check/Client" \
  --namespace-name Grid.Client --class-name GridClient --exclude-backward-compatible --log-level Warning

cat >"$work/check/Check.csproj" <<PROJECT
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.Kiota.Abstractions" Version="$kiota_packages_version" />
    <PackageReference Include="Microsoft.Kiota.Http.HttpClientLibrary" Version="$kiota_packages_version" />
    <PackageReference Include="Microsoft.Kiota.Serialization.Json" Version="$kiota_packages_version" />
    <PackageReference Include="Microsoft.Kiota.Serialization.Text" Version="$kiota_packages_version" />
    <PackageReference Include="Microsoft.Kiota.Serialization.Form" Version="$kiota_packages_version" />
    <PackageReference Include="Microsoft.Kiota.Serialization.Multipart" Version="$kiota_packages_version" />
  </ItemGroup>
</Project>
PROJECT

# The check: the generated model of a receipt, with its fields set, is the item of a warehouse event batch that the
# generated request builder takes as the POST body.
cat >"$work/check/Program.cs" <<'PROGRAM'
using Grid.Client;
using Grid.Client.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

var client = new GridClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider()) { BaseUrl = "http://localhost:5080" });
var receipt = new ReceiptEvent
{
    Type = ReceiptEvent_type.Receipt,
    EventId = "EV-1",
    Source = "wms-1",
    OccurredAt = DateTimeOffset.UtcNow,
    Sku = "SKU-1",
    Location = "DC1",
    Quantity = 10,
    Reference = "GRN-7",
};
var batch = new WarehouseEventBatch { Events = [new WarehouseEvent { ReceiptEvent = receipt }] };
var request = client.Api.V1.Warehouse.Events.ToPostRequestInformation(batch);
Console.WriteLine($"{request.HttpMethod} {request.URI}");
PROGRAM

dotnet build "$work/check/Check.csproj" -c Release -nologo -clp:ErrorsOnly -p:TreatWarningsAsErrors=false
echo "check-openapi-client: a client generated from ${document#"$root"/} compiles a typed warehouse receipt POST"
