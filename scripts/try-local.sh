#!/usr/bin/env bash
# Try `iamgen plan`, `apply`, `import` and `verify` on your machine, against moto (a local IAM, STS and S3) —
# the same way the tests run them. Nothing reaches AWS.
#
#   scripts/ci-tools.sh          # once: installs moto into target/ci-tools/moto
#   scripts/try-local.sh         # builds iamgen (features cli,aws) unless IAMGEN names a binary
#
# moto takes the account from the access key: any static key is account 123456789012, and credentials from
# sts:AssumeRole land in the role's account. So the base identity below reaches Stuzio and Acme by assuming
# OrganizationAccountAccessRole there, as it would in an AWS Organization.
set -euo pipefail
cd "$(dirname "$0")/.."

moto_dir=target/ci-tools/moto
if [ ! -x "$moto_dir/bin/moto_server" ]; then
  echo "moto is not installed: run scripts/ci-tools.sh first" >&2
  exit 2
fi
iamgen=${IAMGEN:-}
if [ -z "$iamgen" ]; then
  cargo build --quiet --features cli,aws
  iamgen=target/debug/iamgen
fi

port=${MOTO_PORT:-5055}
"$moto_dir/bin/moto_server" -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
work=$(mktemp -d)
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
endpoint="http://127.0.0.1:$port"
"$moto_dir/bin/python" - "$endpoint" <<'PY'
import sys, time, urllib.request
for _ in range(300):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=1)
        break
    except OSError:
        time.sleep(0.2)
PY

# The base identity: any static key; no profile files, so nothing of yours is read.
export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE
export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
export AWS_REGION=us-east-1
export AWS_CONFIG_FILE="$work/config" AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN

step() { printf '\n$ %s\n' "$*"; "$@"; }

# Stuzio's admin, and Acme's, as boto3 from moto's environment reaches them (for what iamgen never makes).
admin_of='
import sys, boto3
endpoint = sys.argv[1]
sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
def admin_of(account):
    creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                            RoleSessionName="try-local")["Credentials"]
    return dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=creds["AccessKeyId"],
                aws_secret_access_key=creds["SecretAccessKey"], aws_session_token=creds["SessionToken"])
'

# The scenario's bucket holds Stuzio's data before the stack exists: the stack refers to it, never creates it.
"$moto_dir/bin/python" - "$endpoint" <<PY
$admin_of
s3 = boto3.client("s3", **admin_of("081278057606"))
s3.create_bucket(Bucket="com.stuzio.projectx")
s3.put_object(Bucket="com.stuzio.projectx", Key="report.csv", Body=b"quarter,revenue\n")
PY

# The reference scenario: what would change, then apply it, then nothing is left to change.
step "$iamgen" plan --endpoint-url "$endpoint"
step "$iamgen" apply --auto-approve --endpoint-url "$endpoint" --verbose
step "$iamgen" plan --endpoint-url "$endpoint"

# The role, back as a spec that plans no change.
step "$iamgen" import --account 081278057606 --role StuzioAcmeConsultantRole --out "$work/imported.toml" \
  --endpoint-url "$endpoint"
step "$iamgen" plan "$work/imported.toml" --endpoint-url "$endpoint"

# verify needs what iamgen never makes: Troy's access key (Acme's admin makes it), and the object above.
keys=$("$moto_dir/bin/python" - "$endpoint" <<PY
$admin_of
key = boto3.client("iam", **admin_of("183438944504")).create_access_key(UserName="Troy")["AccessKey"]
print(key["AccessKeyId"], key["SecretAccessKey"])
PY
)
IAMGEN_PRINCIPAL_ACCESS_KEY_ID=${keys%% *} IAMGEN_PRINCIPAL_SECRET_ACCESS_KEY=${keys#* } \
  step "$iamgen" verify --endpoint-url "$endpoint"
