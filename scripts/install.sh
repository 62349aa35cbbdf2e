#!/usr/bin/env bash
# make install: put trin where a server runs it.
#
#   BIN=path/to/trin PREFIX=/usr/local DESTDIR= SYSCONFDIR=/etc scripts/install.sh
#
# Installs the binary, the shipped mappings and schemas, the docs, an example
# configuration (as SYSCONFDIR/trin/trin.yaml only when there is none: never overwritten),
# the systemd units and logrotate file with this PREFIX's paths, and a crontab example.
# With DESTDIR it only stages files (for packaging); without it, run as root, it also
# creates the `trin` system user and the state, log and configuration folders
# (scripts/setup-system.sh, which the Debian package's postinst runs too).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:?path to the built trin binary}
PREFIX=${PREFIX:-/usr/local}
SYSCONFDIR=${SYSCONFDIR:-/etc}
DESTDIR=${DESTDIR:-}
UNITDIR=${UNITDIR:-$PREFIX/lib/systemd/system}
D=$DESTDIR

install -d -m 0755 "$D$PREFIX/bin" "$D$PREFIX/share/trin/mappings" "$D$PREFIX/share/trin/schemas" \
  "$D$PREFIX/share/doc/trin" "$D$UNITDIR" "$D$SYSCONFDIR/logrotate.d" "$D$SYSCONFDIR/trin"
install -m 0755 "$BIN" "$D$PREFIX/bin/trin"
install -m 0644 "$ROOT"/mappings/*.yaml "$D$PREFIX/share/trin/mappings/"
install -m 0644 "$ROOT"/schemas/*.json "$D$PREFIX/share/trin/schemas/"
install -m 0644 "$ROOT"/README.md "$ROOT"/docs/*.md "$D$PREFIX/share/doc/trin/"
install -d -m 0755 "$D$PREFIX/share/man/man1"
gzip -9n < "$ROOT/packaging/trin.1" > "$D$PREFIX/share/man/man1/trin.1.gz"
chmod 0644 "$D$PREFIX/share/man/man1/trin.1.gz"

# Paths of this installation in the units, the crontab and the example configuration.
subst() { sed -e "s|/usr/local/bin/trin|$PREFIX/bin/trin|g" -e "s|\.\./mappings/|$PREFIX/share/trin/mappings/|g" "$1"; }
for unit in trin-run.service trin-run.timer trin-daemon.service; do
  subst "$ROOT/cron/$unit" > "$D$UNITDIR/$unit"; chmod 0644 "$D$UNITDIR/$unit"
done
subst "$ROOT/cron/crontab" > "$D$PREFIX/share/trin/crontab"; chmod 0644 "$D$PREFIX/share/trin/crontab"
install -m 0644 "$ROOT/cron/trin.rules.yml" "$D$PREFIX/share/trin/trin.rules.yml"
install -m 0644 "$ROOT/cron/trin" "$D$SYSCONFDIR/logrotate.d/trin"
subst "$ROOT/examples/trin.yaml" > "$D$PREFIX/share/trin/trin.yaml.example"; chmod 0644 "$D$PREFIX/share/trin/trin.yaml.example"
if [ ! -e "$D$SYSCONFDIR/trin/trin.yaml" ]; then
  install -m 0640 "$D$PREFIX/share/trin/trin.yaml.example" "$D$SYSCONFDIR/trin/trin.yaml"
else
  echo "kept $D$SYSCONFDIR/trin/trin.yaml (the new example is $PREFIX/share/trin/trin.yaml.example)"
fi

if [ -z "$DESTDIR" ] && [ "$(id -u)" = 0 ]; then
  SYSCONFDIR=$SYSCONFDIR "$ROOT/scripts/setup-system.sh"
elif [ -z "$DESTDIR" ]; then
  echo "not root: run 'sudo $ROOT/scripts/setup-system.sh' to create the trin user and its folders"
fi
echo "installed trin to $D$PREFIX (units in $D$UNITDIR); next: docs/install.md"
