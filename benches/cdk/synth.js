#!/usr/bin/env node
// AWS CDK synthesizing the roles of benches/generate.rs: the baseline of the generator's scale benchmark.
//
// Usage: node benches/cdk/synth.js N [PREFIX]
//   N       the number of roles (10, 100, 1000, 10000)
//   PREFIX  where `npm install --prefix` put aws-cdk-lib (default: target/cdk-bench, or $CDK_BENCH_PREFIX);
//           benches/cdk/measure.sh installs it there.
//
// The workload is the same as the Rust side's: role i is BenchRole<i> in account i / 100 (one CDK Stack per
// account, as CloudFormation limits a template to 200 outputs and iamgen writes 2 per role); its trust admits
// the root of the third-party account 210987654321 with StringEquals sts:ExternalId; its managed policy
// BenchRole<i>Policy has the same three statements (S3 objects, S3 bucket, DynamoDB table and indexes) and is
// attached to the role. Timed inside node: loading aws-cdk-lib, building the constructs, and app.synth()
// (which writes the cloud assembly to a temporary directory, removed afterwards). Prints one `result` line.
'use strict';

const loadStart = process.hrtime.bigint();
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { createRequire } = require('node:module');

const roles = Number.parseInt(process.argv[2] ?? '', 10);
if (!Number.isInteger(roles) || roles <= 0) {
  console.error('usage: node benches/cdk/synth.js N [PREFIX]');
  process.exit(2);
}
const prefix = path.resolve(
  process.argv[3] ?? process.env.CDK_BENCH_PREFIX ?? path.join(__dirname, '..', '..', 'target', 'cdk-bench'),
);
const requireFromPrefix = createRequire(path.join(prefix, 'package.json'));
const cdk = requireFromPrefix('aws-cdk-lib');
const iam = requireFromPrefix('aws-cdk-lib/aws-iam');
const cdkVersion = requireFromPrefix('aws-cdk-lib/package.json').version;

const ROLES_PER_ACCOUNT = 100;
const TRUSTED_ACCOUNT = '210987654321';
const REGION = 'eu-west-1';

const pad = (n) => String(n).padStart(5, '0');
const accountId = (index) => String(100000000000 + index);

const constructStart = process.hrtime.bigint();
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'iamgen-cdk-bench-'));
const app = new cdk.App({ outdir });
let stack;
let account;
for (let role = 0; role < roles; role += 1) {
  if (role % ROLES_PER_ACCOUNT === 0) {
    const index = role / ROLES_PER_ACCOUNT;
    account = accountId(index);
    stack = new cdk.Stack(app, `Bench${String(index).padStart(3, '0')}`, {
      env: { account, region: REGION },
    });
  }
  const name = `BenchRole${pad(role)}`;
  const bucket = `arn:aws:s3:::iamgen-bench-${role}`;
  const table = `arn:aws:dynamodb:${REGION}:${account}:table/bench-${role}`;
  const created = new iam.Role(stack, name, {
    roleName: name,
    assumedBy: new iam.AccountPrincipal(TRUSTED_ACCOUNT),
    externalIds: [`iamgen-bench-${role}`],
  });
  new iam.ManagedPolicy(stack, `${name}Policy`, {
    managedPolicyName: `${name}Policy`,
    statements: [
      new iam.PolicyStatement({
        sid: 'ReadWriteObjects',
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [`${bucket}/*`],
      }),
      new iam.PolicyStatement({ sid: 'ListBucket', actions: ['s3:ListBucket'], resources: [bucket] }),
      new iam.PolicyStatement({
        sid: 'ReadWriteItems',
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
        resources: [table, `${table}/index/*`],
      }),
    ],
    roles: [created],
  });
}
const synthStart = process.hrtime.bigint();
const assembly = app.synth();
const synthEnd = process.hrtime.bigint();

let bytes = 0;
let resources = 0;
for (const artifact of assembly.stacks) {
  bytes += fs.statSync(artifact.templateFullPath).size;
  resources += Object.keys(artifact.template.Resources ?? {}).length;
}
fs.rmSync(outdir, { recursive: true, force: true });

const ms = (from, to) => (Number(to - from) / 1e6).toFixed(1);
console.log(
  `result n=${roles} stacks=${assembly.stacks.length} resources=${resources} bytes=${bytes} ` +
    `load_ms=${ms(loadStart, constructStart)} construct_ms=${ms(constructStart, synthStart)} ` +
    `synth_ms=${ms(synthStart, synthEnd)} construct_synth_ms=${ms(constructStart, synthEnd)} ` +
    `process_ms=${(process.uptime() * 1000).toFixed(1)} aws_cdk_lib=${cdkVersion}`,
);
