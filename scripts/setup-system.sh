#!/bin/sh
# Creates the `trin` system user and the folders trin needs, with their owners and modes.
# Idempotent. Run as root by `make install` and by the Debian package's postinst; with
# DPKG_ROOT set (an install into another root), it works inside that root.
set -eu
R=${DPKG_ROOT:-}
SYSCONFDIR=${SYSCONFDIR:-/etc}

if ! grep -q '^trin:' "$R/etc/passwd" 2>/dev/null; then
  if [ -n "$R" ]; then
    useradd --prefix "$R" --system --user-group --home-dir /var/lib/trin --no-create-home --shell /usr/sbin/nologin trin
  else
    useradd --system --user-group --home-dir /var/lib/trin --no-create-home --shell /usr/sbin/nologin trin
  fi
fi
# Numeric ids from the root's own files: chown would look names up on the host.
uid=$(awk -F: '$1 == "trin" { print $3 }' "$R/etc/passwd")
gid=$(awk -F: '$1 == "trin" { print $3 }' "$R/etc/group")

# State (store, lock, published sets) and log: the service's own, closed to others.
install -d -o "$uid" -g "$gid" -m 0750 "$R/var/lib/trin" "$R/var/log/trin"
# Configuration and key: root writes them, the service reads them.
install -d -o 0 -g "$gid" -m 0750 "$R$SYSCONFDIR/trin"
if [ -e "$R$SYSCONFDIR/trin/trin.yaml" ]; then
  chown 0:"$gid" "$R$SYSCONFDIR/trin/trin.yaml"
  chmod 0640 "$R$SYSCONFDIR/trin/trin.yaml"
fi
# node_exporter's textfile folder, when node_exporter is installed: trin may write there.
if [ -d "$R/var/lib/prometheus/node-exporter" ]; then
  chgrp "$gid" "$R/var/lib/prometheus/node-exporter" && chmod g+w "$R/var/lib/prometheus/node-exporter"
fi
echo "trin user (uid $uid) and /var/lib/trin, /var/log/trin, $SYSCONFDIR/trin are ready."
echo "Next: sudo trin keygen $SYSCONFDIR/trin/pseudonym.key --owner trin"
