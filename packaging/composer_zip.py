"""Builds the Composer package of the PHP binding: a zip with composer.json (given the version, which a
Composer artifact repository reads from it), src/, autoload.php, README.md and one libzts.so per
architecture under lib/linux-ARCH/ (ARCH as PHP's php_uname('m') says it), where Zts\\Native looks first.
Composer has no per-platform packages, so one zip carries every architecture.
Usage: python3 composer_zip.py BINDING_DIR VERSION OUT.zip ARCH=LIBZTS_SO [ARCH=LIBZTS_SO ...]
"""

import json
import os
import sys
import zipfile

binding, version, out = sys.argv[1:4]
libraries = dict(argument.split("=", 1) for argument in sys.argv[4:])
with open(os.path.join(binding, "composer.json"), encoding="utf-8") as file:
    manifest = json.load(file)
manifest["version"] = version
manifest.pop("scripts", None)  # tools/generate.php is for developing the binding, not in the package

files = ["README.md", "autoload.php"] + sorted(
    os.path.join("src", name) for name in os.listdir(os.path.join(binding, "src"))
)
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    archive.writestr("composer.json", json.dumps(manifest, indent=4) + "\n")
    for name in files:
        archive.write(os.path.join(binding, name), name)
    for arch, library in sorted(libraries.items()):
        info = zipfile.ZipInfo(f"lib/linux-{arch}/libzts.so", date_time=(2020, 1, 1, 0, 0, 0))
        info.external_attr = 0o755 << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(library, "rb") as file:
            archive.writestr(info, file.read())
