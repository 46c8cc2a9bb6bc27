#!/usr/bin/env bash
# Installs moto's server (`moto[server]`, PyPI) and boto3 for the CloudWatch tests, only
# when python3 cannot import them yet. The tests start `python3 -m moto.server` on loopback.
set -euo pipefail

PYTHON=${PYTHON:-python3}
if "$PYTHON" -c 'import moto.server, flask, flask_cors, boto3, botocore' 2>/dev/null; then
    exit 0
fi
echo "pip-install-moto: installing moto[server] and boto3" >&2
"$PYTHON" -m pip --version >/dev/null 2>&1 || "$PYTHON" -m ensurepip --upgrade >/dev/null 2>&1 || scripts/apt-install.sh python3-pip
"$PYTHON" -m pip install --quiet 'moto[server]' boto3 \
    || "$PYTHON" -m pip install --quiet --break-system-packages 'moto[server]' boto3
