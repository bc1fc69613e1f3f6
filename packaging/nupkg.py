"""Builds the NuGet package of the C# binding from Zts.dll as bindings/csharp/build.sh compiled it
(Mono's mcs, .NET Framework 4.x profile, against an SDK assembly named as the real SDK's): an OPC zip
laid out by NuGet's conventions, lib/net461/Zts.dll (the SDK ships only lib/net461 too) and
runtimes/RID/native/libzts.so for each runtime identifier given (linux-x64, linux-arm64), which Zts
looks for next to itself and under runtimes/ for its process's architecture.
Usage: python3 nupkg.py CSHARP_BINDING_DIR VERSION DIST_DIR RID=LIBZTS_SO [RID=LIBZTS_SO ...]
"""

import os
import sys
import zipfile
from xml.sax.saxutils import escape

binding, version, dist = sys.argv[1:4]
libraries = dict(argument.split("=", 1) for argument in sys.argv[4:])
package_id = "Zts.ZohoTokenStore"
# The SDK the assembly is built against: NuGet package ZOHOCRMSDK-8.0 (assembly ZOHOCRMSDK-8.0).
sdk_id, sdk_version = "ZOHOCRMSDK-8.0", "4.0.0"

nuspec = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>{package_id}</id>
    <version>{version}</version>
    <authors>zts</authors>
    <license type="expression">MIT</license>
    <readme>README.md</readme>
    <description>{escape("zts, the Zoho token store: one SQLite token file shared by every Zoho CRM SDK, as an ITokenStore for ZOHOCRMSDK-8.0 (" + ", ".join(sorted(libraries)) + ").")}</description>
    <tags>zoho crm oauth tokenstore sqlite</tags>
    <dependencies>
      <group targetFramework=".NETFramework4.6.1">
        <dependency id="{sdk_id}" version="{sdk_version}" />
      </group>
    </dependencies>
  </metadata>
</package>
"""
content_types = """<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="so" ContentType="application/octet" />
  <Default Extension="md" ContentType="application/octet" />
</Types>
"""
relationships = f"""<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/{package_id}.nuspec" Id="R1" />
</Relationships>
"""

out = os.path.join(dist, f"{package_id}.{version}.nupkg")
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    archive.writestr("_rels/.rels", relationships)
    archive.writestr(f"{package_id}.nuspec", nuspec)
    archive.writestr("[Content_Types].xml", content_types)
    archive.write(os.path.join(binding, "build", "Zts.dll"), "lib/net461/Zts.dll")
    for rid, library in sorted(libraries.items()):
        archive.write(library, f"runtimes/{rid}/native/libzts.so")
    archive.write(os.path.join(binding, "README.md"), "README.md")
