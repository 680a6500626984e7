// Policies and roles by derive, with placeholders, role references and a hardened trust.
#![deny(warnings)]

use iamgen::{AccountId, BucketName, Policy, Role};

#[derive(Policy)]
#[policy(name = "ReadReports")]
#[statement(sid = "List", action = "s3:ListBucket", resource = "arn:aws:s3:::{bucket}",
    condition = { "StringLike": { "s3:prefix": "reports/*" } })]
#[statement(sid = "Read", action = ["s3:GetObject"], resource = ["arn:aws:s3:::{bucket}/reports/*"])]
struct Reports {
    bucket: BucketName,
}

#[derive(Role)]
#[role(account = "081278057606", name = "Auditor", path = "/audit/", description = "Reads reports",
    max_session_duration = 7200)]
#[trust(account = "183438944504", external_id = "acme-audit", mfa)]
#[attach(Reports)]
#[tag(key = "team", value = "security")]
struct Auditor;

#[derive(Policy)]
#[statement(action = "sts:AssumeRole", resource = role(Auditor))]
#[statement(action = "iam:GetRole", resource = "arn:aws:iam::{account}:role/audit/Auditor")]
struct AssumeAuditor {
    account: AccountId,
}

fn main() {
    let reports = Reports { bucket: BucketName::new("com.stuzio.projectx").unwrap() };
    assert!(reports.to_json().unwrap().contains("arn:aws:s3:::com.stuzio.projectx/reports/*"));
    assert_eq!(Auditor::ARN, "arn:aws:iam::081278057606:role/audit/Auditor");
    assert_eq!(Auditor::POLICIES, ["ReadReports"]);
    assert!(Auditor::TRUST.json().contains("aws:MultiFactorAuthPresent"));
    let assume = AssumeAuditor { account: AccountId::parse("081278057606").unwrap() };
    assert!(assume.to_json().unwrap().contains(Auditor::ARN));
}
