#!/usr/bin/env bash
# make deb: a Debian package of what `make install` stages, built with dpkg-deb.
#
#   BIN=path/to/trin OUT=folder scripts/deb.sh     → OUT/trin_<version>_<arch>.deb
#
# PREFIX is /usr: /usr/bin/trin, mappings and schemas in /usr/share/trin, units in
# /lib/systemd/system, /etc/trin/trin.yaml and /etc/logrotate.d/trin as conffiles (an
# upgrade never overwrites a changed one). The postinst creates the `trin` user and the
# folders (scripts/setup-system.sh).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:?path to the built trin binary}
OUT=${OUT:-.}
VERSION=${VERSION:-$("$BIN" --version | awk '{ print $1 }')}
ARCH=${ARCH:-$(dpkg --print-architecture)}
stage=$(mktemp -d)
chmod 0755 "$stage"
trap 'rm -rf "$stage"' EXIT
BIN=$BIN DESTDIR=$stage PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system "$ROOT/scripts/install.sh" > /dev/null
install -m 0755 "$ROOT/scripts/setup-system.sh" "$stage/usr/share/trin/setup-system.sh"
# Debug symbols stay in the build folder: the packaged binary is stripped.
strip --strip-unneeded "$stage/usr/bin/trin"
# What Debian policy asks of every package: copyright, a changelog, and the lintian
# overrides for the two findings that are on purpose (see the file).
install -m 0644 "$ROOT/packaging/deb/copyright" "$stage/usr/share/doc/trin/copyright"
cat > "$stage/changelog" <<CHANGELOG
trin ($VERSION) stable; urgency=medium

  * Release $VERSION; the changes are in the repository's history.

 -- trin maintainers <trin@example.dk>  $(date -R -d "@${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}")
CHANGELOG
gzip -9n < "$stage/changelog" > "$stage/usr/share/doc/trin/changelog.gz"
rm "$stage/changelog"
chmod 0644 "$stage/usr/share/doc/trin/changelog.gz"
install -d -m 0755 "$stage/usr/share/lintian/overrides"
install -m 0644 "$ROOT/packaging/deb/lintian-overrides" "$stage/usr/share/lintian/overrides/trin"
install -d -m 0755 "$stage/DEBIAN"
install -m 0755 "$ROOT/packaging/deb/postinst" "$ROOT/packaging/deb/postrm" "$stage/DEBIAN/"
printf '/etc/trin/trin.yaml\n/etc/logrotate.d/trin\n' > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | awk '{ print $1 }')
cat > "$stage/DEBIAN/control" <<CONTROL
Package: trin
Version: $VERSION
Architecture: $ARCH
Maintainer: trin maintainers <trin@example.dk>
Installed-Size: $size
Depends: libc6, libstdc++6, libgcc-s1, libcurl4, libxml2, libsqlite3-0, passwd
Recommends: prometheus-node-exporter, logrotate
Section: admin
Priority: optional
Homepage: https://example.dk/trin
Description: batch data integration for a municipal social-economy unit
 Fetches the job centre's and partners' exports over HTTP, reads CSV and XML
 through declarative mappings, pseudonymises CPR numbers with a keyed hash,
 deduplicates, and publishes aggregated metric files with small counts
 suppressed, for dashboards, Excel and the annual report.
CONTROL
mkdir -p "$OUT"
deb="$OUT/trin_${VERSION}_${ARCH}.deb"
dpkg-deb --root-owner-group ${DEB_COMPRESS:+-Z"$DEB_COMPRESS"} --build "$stage" "$deb" > /dev/null
echo "$deb"
