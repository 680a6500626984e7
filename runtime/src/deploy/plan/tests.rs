//! The diff of each kind of item, on hand-built live states: an account that matches the stack plans nothing,
//! and each hand change on top of it plans what it should, saying what and why.

use std::collections::{BTreeMap, BTreeSet};

use super::account::diff_account;
use super::diff::{Diff, StatementId, policy_diff};
use super::{Change, ChangeKind, Operation, Plan, Reason, declared, ordered};
use crate::PolicyDocument;
use crate::deploy::ApplyReport;
use crate::deploy::canonical::same_policy;
use crate::deploy::live::{
    LiveAccount, LiveBucketSettings, LiveGroup, LivePolicy, LiveRole, LiveUser,
};
use crate::deploy::{DeployError, OWNER_TAG};
use crate::names::BucketName;
use crate::stack::{
    AccountRef, BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, InlinePolicy,
    KmsKey, LogPrefix, PrincipalRef, Stack, Unmanaged,
};

const STACK: &str = "iamgen";
const ROLE: &str = "StuzioAcmeConsultantRole";
const POLICY: &str = "StuzioProjectXPolicy";

fn document(text: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap()
}

fn owner() -> BTreeMap<String, String> {
    BTreeMap::from([(OWNER_TAG.to_owned(), STACK.to_owned())])
}

/// What IAM would hold in `account` once `stack` is applied: a plan against it is empty.
fn converged(stack: &Stack, account: AccountRef) -> LiveAccount {
    let mut live = LiveAccount::default();
    let attached = |principal: PrincipalRef| -> BTreeSet<String> {
        stack
            .attached(principal)
            .iter()
            .map(|policy| stack.policy_arn(*policy))
            .collect()
    };
    let inline = |policies: &[InlinePolicy]| -> BTreeMap<String, PolicyDocument> {
        policies
            .iter()
            .map(|p| (p.name.clone(), p.document.clone()))
            .collect()
    };
    for (role_ref, role) in stack.roles().filter(|(_, r)| r.account == account) {
        let mut tags = owner();
        tags.extend(role.tags.iter().cloned());
        live.roles.insert(
            role.name.clone(),
            LiveRole {
                arn: stack.role_arn(role_ref),
                path: role.path.clone(),
                trust: role.trust.clone(),
                description: role.description.clone(),
                max_session_duration: role.max_session_duration.unwrap_or(3_600),
                boundary: role.permissions_boundary.map(|p| stack.policy_arn(p)),
                tags,
                attached: attached(PrincipalRef::Role(role_ref)),
                inline: inline(&role.inline),
            },
        );
    }
    for (user_ref, user) in stack.users().filter(|(_, u)| u.account == account) {
        live.users.insert(
            user.name.clone(),
            LiveUser {
                path: user.path.clone(),
                tags: owner(),
                groups: user
                    .groups
                    .iter()
                    .map(|g| stack.group(*g).name.clone())
                    .collect(),
                attached: attached(PrincipalRef::User(user_ref)),
                inline: inline(&user.inline),
            },
        );
    }
    for (group_ref, group) in stack.groups().filter(|(_, g)| g.account == account) {
        live.groups.insert(
            group.name.clone(),
            LiveGroup {
                path: group.path.clone(),
                attached: attached(PrincipalRef::Group(group_ref)),
                inline: inline(&group.inline),
            },
        );
    }
    for (policy_ref, policy) in stack.policies().filter(|(_, p)| p.account == account) {
        live.policies.insert(
            policy.name.clone(),
            LivePolicy {
                arn: stack.policy_arn(policy_ref),
                document: policy.document.clone(),
                tags: owner(),
                versions: vec![("v1".to_owned(), true)],
            },
        );
    }
    for (_, bucket) in stack.buckets().filter(|(_, b)| b.account == account) {
        live.buckets.insert(bucket.name.clone());
        if let Some(settings) = bucket.settings() {
            live.public_access_blocked.insert(bucket.name.clone());
            live.bucket_settings.insert(
                bucket.name.clone(),
                LiveBucketSettings {
                    versioning: settings.versioning,
                    encryption: Some(super::bucket::as_live(&settings.encryption)),
                    logging: settings
                        .logging
                        .as_ref()
                        .map(|l| (l.target.to_string(), l.prefix.to_string())),
                },
            );
        }
    }
    live
}

fn plan_for(stack: &Stack, account: AccountRef, live: &LiveAccount) -> Result<Plan, DeployError> {
    let declared = declared(stack, account);
    let changes = diff_account(stack, account, &declared, live, STACK)?;
    Ok(ordered(STACK, changes))
}

/// The reference scenario, its Stuzio account (the role's), and that account as it is once applied.
fn stuzio() -> (Stack, AccountRef, LiveAccount) {
    let stack = Stack::reference_scenario();
    let (account, _) = stack.accounts().next().unwrap();
    let live = converged(&stack, account);
    (stack, account, live)
}

/// The reference scenario with a bucket the stack creates, where the scenario's exists already.
fn with_created_bucket() -> Stack {
    let mut stack = Stack::reference_scenario();
    let bucket = stack.bucket_by_name("com.stuzio.projectx").unwrap();
    stack.bucket_mut(bucket).origin = BucketOrigin::default();
    stack
}

fn headlines(plan: &Plan) -> Vec<String> {
    plan.changes.iter().map(Change::headline).collect()
}

fn role_of(live: &mut LiveAccount) -> &mut LiveRole {
    live.roles.get_mut(ROLE).unwrap()
}

#[test]
fn an_account_that_matches_the_stack_plans_nothing() {
    let stack = Stack::reference_scenario();
    for (account, _) in stack.accounts() {
        let plan = plan_for(&stack, account, &converged(&stack, account)).unwrap();
        assert!(plan.is_empty(), "{}", plan.to_text());
    }
}

#[test]
fn an_empty_account_plans_every_item_in_apply_order() {
    let stack = with_created_bucket();
    let (stuzio, _) = stack.accounts().next().unwrap();
    let plan = plan_for(&stack, stuzio, &LiveAccount::default()).unwrap();
    assert_eq!(
        headlines(&plan),
        [
            "+ bucket com.stuzio.projectx",
            "+ public access block of bucket com.stuzio.projectx: block public ACLs and public bucket policies",
            "+ versioning of bucket com.stuzio.projectx: enabled",
            "+ default encryption of bucket com.stuzio.projectx: SSE-S3",
            "+ role StuzioAcmeConsultantRole",
            "+ policy StuzioProjectXPolicy",
            "+ policy StuzioProjectXPolicy attached to role StuzioAcmeConsultantRole",
        ]
    );
    assert!(
        plan.changes
            .iter()
            .all(|c| c.diff.is_empty() && c.reason.is_none())
    );
    assert!(
        plan.to_text()
            .ends_with("\nPlan: 7 to add, 0 to change, 0 to destroy.\n")
    );
}

#[test]
fn settings_say_old_and_new() {
    let (mut stack, account, mut live) = stuzio();
    let role = stack.role_by_name(ROLE).unwrap();
    stack.set_max_session_duration(role, 7_200).unwrap();
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ role StuzioAcmeConsultantRole: session duration"]
    );
    assert_eq!(
        plan.changes[0].diff,
        [Diff::setting("max_session_duration", 3_600, 7_200)]
    );
    assert!(
        plan.to_text().contains(
            "  ~ role StuzioAcmeConsultantRole: session duration\n      ~ max_session_duration: 3600 → 7200\n"
        ),
        "{}",
        plan.to_text()
    );

    role_of(&mut live).max_session_duration = 7_200;
    role_of(&mut live).description = Some("a".to_owned());
    stack.set_role_description(role, "b").unwrap();
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ role StuzioAcmeConsultantRole: description"]
    );
    assert!(
        plan.to_text()
            .contains("      ~ description: \"a\" → \"b\"\n"),
        "{}",
        plan.to_text()
    );

    role_of(&mut live).description = None;
    role_of(&mut live).max_session_duration = 3_600;
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ role StuzioAcmeConsultantRole: description and session duration"]
    );
    let text = plan.to_text();
    assert!(
        text.contains("      + description: (none) → \"b\"\n"),
        "{text}"
    );
    assert!(
        text.contains("      ~ max_session_duration: 3600 → 7200\n"),
        "{text}"
    );
}

#[test]
fn a_tag_added_by_hand_is_removed_and_said_to_be_outside_the_spec() {
    let (stack, account, mut live) = stuzio();
    role_of(&mut live)
        .tags
        .insert("owner".to_owned(), "bob".to_owned());
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ role StuzioAcmeConsultantRole: remove tags owner (not in the spec)"]
    );
    let change = &plan.changes[0];
    assert_eq!(change.reason, Some(Reason::NotInSpec));
    assert_eq!(
        change.diff,
        [Diff::Tag {
            key: "owner".to_owned(),
            old: Some("bob".to_owned()),
            new: None
        }]
    );
    assert!(plan.to_text().contains("      - tag \"owner\" = \"bob\"\n"));
}

#[test]
fn tags_changed_say_their_values_and_unmanaged_tags_stay() {
    let (mut stack, account, mut live) = stuzio();
    let role = stack.role_by_name(ROLE).unwrap();
    stack.add_tag(role, "project", "x").unwrap();
    stack.add_tag(role, "team", "core").unwrap();
    role_of(&mut live)
        .tags
        .insert("project".to_owned(), "w".to_owned());
    role_of(&mut live)
        .tags
        .insert("owner".to_owned(), "bob".to_owned());
    stack.leave_unmanaged(role, Unmanaged::Tags).unwrap();
    let plan = plan_for(&stack, account, &live).unwrap();
    // The declared tags are still set; the one added by hand stays.
    assert_eq!(
        headlines(&plan),
        ["~ role StuzioAcmeConsultantRole: tags project, team"]
    );
    let text = plan.to_text();
    assert!(
        text.contains("      ~ tag \"project\" = \"w\" → \"x\"\n"),
        "{text}"
    );
    assert!(text.contains("      + tag \"team\" = \"core\"\n"), "{text}");
}

#[test]
fn a_policy_attached_by_hand_is_detached_and_said_to_be_attached_outside_the_stack() {
    let (mut stack, account, mut live) = stuzio();
    let hand = "arn:aws:iam::081278057606:policy/HandMade";
    let aws = "arn:aws:iam::aws:policy/ReadOnlyAccess";
    role_of(&mut live).attached.insert(hand.to_owned());
    role_of(&mut live).attached.insert(aws.to_owned());
    let plan = plan_for(&stack, account, &live).unwrap();
    // AWS managed policies are never detached.
    assert_eq!(
        headlines(&plan),
        [
            "- policy HandMade attached to role StuzioAcmeConsultantRole: attached outside this stack (not in the spec)"
        ]
    );
    assert_eq!(plan.changes[0].reason, Some(Reason::OutsideStack));
    assert!(matches!(&plan.changes[0].operation, Operation::Detach { arn, .. } if arn == hand));

    let role = stack.role_by_name(ROLE).unwrap();
    stack
        .leave_unmanaged(role, Unmanaged::ManagedPolicies)
        .unwrap();
    let plan = plan_for(&stack, account, &live).unwrap();
    assert!(plan.is_empty(), "{}", plan.to_text());

    // Unmanaged, the stack still attaches what it declares.
    role_of(&mut live).attached.clear();
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["+ policy StuzioProjectXPolicy attached to role StuzioAcmeConsultantRole"]
    );
}

#[test]
fn a_stack_policy_no_longer_attached_is_said_to_be_no_longer_in_the_spec() {
    let (mut stack, account, live) = stuzio();
    let role = stack.role_by_name(ROLE).unwrap();
    let policy = stack.policy_by_name(POLICY).unwrap();
    stack.detach(role, policy);
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        [
            "- policy StuzioProjectXPolicy attached to role StuzioAcmeConsultantRole: no longer in the spec"
        ]
    );
    assert_eq!(plan.changes[0].reason, Some(Reason::NoLongerInSpec));
}

#[test]
fn an_inline_policy_added_by_hand_is_deleted_unless_unmanaged() {
    let (mut stack, account, mut live) = stuzio();
    let read = document(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#,
    );
    role_of(&mut live)
        .inline
        .insert("HandMade".to_owned(), read.clone());
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["- inline policy HandMade of role StuzioAcmeConsultantRole: not in the spec"]
    );
    assert_eq!(plan.changes[0].reason, Some(Reason::NotInSpec));

    let role = stack.role_by_name(ROLE).unwrap();
    stack
        .leave_unmanaged(role, Unmanaged::InlinePolicies)
        .unwrap();
    assert!(plan_for(&stack, account, &live).unwrap().is_empty());

    // What the spec declares is still put, and a change to it shows its statements.
    let wider = document(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"*"}]}"#,
    );
    stack
        .add_inline(
            role,
            InlinePolicy {
                name: "HandMade".to_owned(),
                document: wider,
            },
        )
        .unwrap();
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ inline policy HandMade of role StuzioAcmeConsultantRole"]
    );
    let text = plan.to_text();
    assert!(
        text.contains(
            "      ~ statement #1\n          ~ Action\n              + s3:GetBucketLocation\n"
        ),
        "{text}"
    );
}

#[test]
fn users_lose_hand_made_grants_only_when_the_stack_made_them() {
    let stack = Stack::reference_scenario();
    let (acme, _) = stack.accounts().nth(1).unwrap();
    let mut live = converged(&stack, acme);
    let hand = "arn:aws:iam::183438944504:policy/HandMade";
    let troy = live.users.get_mut("Troy").unwrap();
    troy.attached.insert(hand.to_owned());
    troy.inline.insert(
        "Notes".to_owned(),
        document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#),
    );
    let plan = plan_for(&stack, acme, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        [
            "- policy HandMade attached to user Troy: attached outside this stack (not in the spec)",
            "- inline policy Notes of user Troy: not in the spec",
        ]
    );

    let mut kept = stack.clone();
    let user = kept.user_by_name("Troy").unwrap();
    kept.leave_unmanaged(user, Unmanaged::ManagedPolicies)
        .unwrap();
    kept.leave_unmanaged(user, Unmanaged::InlinePolicies)
        .unwrap();
    assert!(plan_for(&kept, acme, &live).unwrap().is_empty());

    let mut existing = stack.clone();
    existing.user_mut(user).existing = true;
    assert!(plan_for(&existing, acme, &live).unwrap().is_empty());
}

#[test]
fn a_bucket_that_exists_already_must_be_there_and_is_left_alone() {
    let stack = Stack::reference_scenario();
    let (stuzio, _) = stack.accounts().next().unwrap();
    let error = plan_for(&stack, stuzio, &LiveAccount::default()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "bucket com.stuzio.projectx is declared as existing, but account Stuzio (081278057606) has no such \
         bucket: create it, or declare it without `existing` so that the stack creates it"
    );
    // There, its public access block (and every other setting) is its owner's: nothing is planned for it.
    let live = LiveAccount {
        buckets: BTreeSet::from(["com.stuzio.projectx".to_owned()]),
        ..LiveAccount::default()
    };
    let plan = plan_for(&stack, stuzio, &live).unwrap();
    assert!(
        headlines(&plan).iter().all(|line| !line.contains("bucket")),
        "{}",
        plan.to_text()
    );
    assert!(
        declared(&stack, stuzio)
            .existing_buckets
            .contains("com.stuzio.projectx")
    );
}

#[test]
fn a_new_bucket_is_made_with_its_settings_and_those_left_off_are_not_set() {
    let mut stack = with_created_bucket();
    let (stuzio, _) = stack.accounts().next().unwrap();
    let bucket = stack.bucket_by_name("com.stuzio.projectx").unwrap();
    let key = KmsKey::new("alias/projectx").unwrap();
    let settings = BucketSettings {
        versioning: true,
        encryption: BucketEncryption::Kms { key: Some(key) },
        logging: Some(BucketLogging {
            target: BucketName::new("com.stuzio.logs").unwrap(),
            prefix: LogPrefix::new("x\"/").unwrap(),
        }),
    };
    stack
        .set_bucket_origin(bucket, BucketOrigin::Created(settings))
        .unwrap();
    let plan = plan_for(&stack, stuzio, &LiveAccount::default()).unwrap();
    let buckets: Vec<String> = headlines(&plan)
        .into_iter()
        .filter(|line| line.contains("bucket"))
        .collect();
    assert_eq!(
        buckets,
        [
            "+ bucket com.stuzio.projectx",
            "+ public access block of bucket com.stuzio.projectx: block public ACLs and public bucket policies",
            "+ versioning of bucket com.stuzio.projectx: enabled",
            "+ default encryption of bucket com.stuzio.projectx: SSE-KMS with alias/projectx",
            "+ access logging of bucket com.stuzio.projectx: into com.stuzio.logs under `x\\\"/`",
        ]
    );
    assert!(plan.changes.iter().any(|change| matches!(
        &change.operation,
        Operation::SetDefaultEncryption {
            encryption: BucketEncryption::Kms { key: Some(_) },
            ..
        }
    )));
    // Made, the bucket plans nothing more.
    let applied = converged(&stack, stuzio);
    assert!(plan_for(&stack, stuzio, &applied).unwrap().is_empty());

    // Someone suspends versioning, encrypts with S3's keys and logs elsewhere: each setting is put back.
    let mut drifted = applied.clone();
    drifted.bucket_settings.insert(
        "com.stuzio.projectx".to_owned(),
        LiveBucketSettings {
            versioning: false,
            encryption: Some(("AES256".to_owned(), None, false)),
            logging: Some(("com.stuzio.other".to_owned(), "x\"/".to_owned())),
        },
    );
    assert_eq!(
        headlines(&plan_for(&stack, stuzio, &drifted).unwrap()),
        [
            "~ versioning of bucket com.stuzio.projectx: enabled",
            "~ default encryption of bucket com.stuzio.projectx: SSE-KMS with alias/projectx",
            "~ access logging of bucket com.stuzio.projectx: into com.stuzio.logs under `x\\\"/`",
        ]
    );

    // Versioning off and no logging: neither is set on a new bucket, nor taken off one that has them.
    stack.bucket_mut(bucket).origin = BucketOrigin::Created(BucketSettings {
        versioning: false,
        ..BucketSettings::default()
    });
    let plan = plan_for(&stack, stuzio, &LiveAccount::default()).unwrap();
    let text = plan.to_text();
    assert!(
        !text.contains("versioning") && !text.contains("logging"),
        "{text}"
    );
    assert!(
        text.contains("+ default encryption of bucket com.stuzio.projectx: SSE-S3"),
        "{text}"
    );
    let mut live = converged(&stack, stuzio);
    let settings = live.bucket_settings.get_mut("com.stuzio.projectx").unwrap();
    settings.versioning = true;
    settings.logging = Some(("com.stuzio.logs".to_owned(), "y/".to_owned()));
    assert!(plan_for(&stack, stuzio, &live).unwrap().is_empty());
}

#[test]
fn a_policy_change_is_shown_statement_by_statement() {
    let (mut stack, account, live) = stuzio();
    let policy = stack.policy_by_name(POLICY).unwrap();
    let before = stack.policy(policy).document.clone();
    let mut value: serde_json::Value = serde_json::from_str(&before.to_json()).unwrap();
    let statements = value["Statement"].as_array_mut().unwrap();
    statements.push(serde_json::json!({
        "Sid": "ListAll", "Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"
    }));
    stack.policy_mut(policy).document = document(&value.to_string());
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["~ policy StuzioProjectXPolicy: new default version"]
    );
    assert_eq!(plan.changes[0].diff.len(), 1);
    assert!(
        plan.to_text().contains(
            "      + statement \"ListAll\": {\"Action\":\"s3:ListAllMyBuckets\",\"Effect\":\"Allow\",\"Resource\":\"*\",\"Sid\":\"ListAll\"}\n"
        ),
        "{}",
        plan.to_text()
    );
    let json = plan.to_json();
    let added = &json["changes"][0]["diff"][0];
    assert_eq!(added["type"], "statement");
    assert_eq!(added["action"], "create");
    assert_eq!(added["sid"], "ListAll");
}

#[test]
fn statements_pair_by_sid_then_by_position() {
    let old = document(
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},
            {"Sid":"Gone","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#,
    );
    let new = document(
        r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::b/*",
             "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
            {"Effect":"Deny","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},
            {"Sid":"New","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}"#,
    );
    let diff = policy_diff(&old, &new);
    let summary: Vec<(String, ChangeKind, Vec<&str>)> = diff
        .iter()
        .map(|line| match line {
            Diff::Statement {
                id, kind, elements, ..
            } => (
                id.to_string(),
                *kind,
                elements.iter().map(|e| e.name.as_str()).collect(),
            ),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "statement \"Read\"".to_owned(),
                ChangeKind::Update,
                vec!["Action", "Condition"]
            ),
            (
                "statement #2".to_owned(),
                ChangeKind::Update,
                vec!["Effect"]
            ),
            ("statement \"New\"".to_owned(), ChangeKind::Create, vec![]),
            ("statement \"Gone\"".to_owned(), ChangeKind::Delete, vec![]),
        ]
    );
    assert!(matches!(
        &diff[1],
        Diff::Statement {
            id: StatementId::Position(2),
            ..
        }
    ));
}

#[test]
fn the_diff_is_empty_exactly_when_the_documents_mean_the_same() {
    let base = r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"}]}"#;
    let variants = [
        // The same meaning: other order, shapes, a repeated statement, an account id as its root ARN.
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::183438944504:root"]},"Action":["sts:AssumeRole"]},{"Sid":"A","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":["*"],"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"}]}"#,
        // Different meanings.
        r#"{"Version":"2008-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"B","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":false}}},{"Effect":"Allow","Principal":{"AWS":"183438944504"},"Action":"sts:AssumeRole"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}},{"Effect":"Allow","Principal":{"AWS":"183438944505"},"Action":"sts:AssumeRole"}]}"#,
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":true}}}]}"#,
    ];
    let base = document(base);
    for variant in variants {
        let variant = document(variant);
        for (left, right) in [(&base, &variant), (&variant, &base)] {
            assert_eq!(
                policy_diff(left, right).is_empty(),
                same_policy(left, right),
                "{}\n{}",
                left.to_json(),
                right.to_json()
            );
        }
    }
}

#[test]
fn owned_items_no_longer_declared_are_deleted_and_say_why() {
    let (stack, account, mut live) = stuzio();
    live.roles
        .insert("OldRole".to_owned(), live.roles[ROLE].clone());
    let mut hand = live.roles[ROLE].clone();
    hand.tags.clear();
    live.roles.insert("HandMadeRole".to_owned(), hand);
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(headlines(&plan), ["- role OldRole: no longer in the spec"]);
    assert_eq!(plan.changes[0].reason, Some(Reason::NoLongerInSpec));
}

#[test]
fn a_boundary_set_by_hand_is_removed_and_a_new_one_says_old_and_new() {
    let (mut stack, account, mut live) = stuzio();
    role_of(&mut live).boundary = Some("arn:aws:iam::081278057606:policy/HandBoundary".to_owned());
    let plan = plan_for(&stack, account, &live).unwrap();
    assert_eq!(
        headlines(&plan),
        ["- permissions boundary of role StuzioAcmeConsultantRole: not in the spec"]
    );
    let role = stack.role_by_name(ROLE).unwrap();
    let policy = stack.policy_by_name(POLICY).unwrap();
    stack.role_mut(role).permissions_boundary = Some(policy);
    let plan = plan_for(&stack, account, &live).unwrap();
    assert!(
        plan.to_text().contains(
            "      ~ permissions_boundary: \"HandBoundary\" → \"StuzioProjectXPolicy\"\n"
        ),
        "{}",
        plan.to_text()
    );
}

#[test]
fn an_aws_managed_boundary_stays_as_aws_managed_policies_do() {
    let (stack, account, mut live) = stuzio();
    role_of(&mut live).boundary = Some("arn:aws:iam::aws:policy/PowerUserAccess".to_owned());
    let plan = plan_for(&stack, account, &live).unwrap();
    assert!(plan.is_empty(), "{}", plan.to_text());
}

#[test]
fn the_json_plan_keeps_its_fields_and_adds_the_diff_and_the_reason() {
    let (stack, account, mut live) = stuzio();
    role_of(&mut live).max_session_duration = 7_200;
    role_of(&mut live)
        .attached
        .insert("arn:aws:iam::081278057606:policy/HandMade".to_owned());
    let json = plan_for(&stack, account, &live).unwrap().to_json();
    let changes = json["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{json:#}");
    assert_eq!(changes[0]["action"], "update");
    assert_eq!(changes[0]["detail"], "session duration");
    assert_eq!(
        changes[0]["diff"],
        serde_json::json!([{"type": "setting", "action": "update", "name": "max_session_duration", "old": 7200, "new": 3600}])
    );
    assert_eq!(changes[0]["reason"], serde_json::Value::Null);
    assert_eq!(changes[1]["reason"], "outside_stack");
    assert_eq!(
        changes[1]["subject"],
        "policy HandMade attached to role StuzioAcmeConsultantRole"
    );
    assert_eq!(
        json["summary"],
        serde_json::json!({"add": 0, "change": 1, "destroy": 1})
    );
}

#[test]
fn reports_count_changes_in_the_singular_and_the_plural() {
    let stack = with_created_bucket();
    let (stuzio, _) = stack.accounts().next().unwrap();
    let plan = plan_for(&stack, stuzio, &LiveAccount::default()).unwrap();
    let report = |n: usize| ApplyReport {
        done: plan.changes[..n].to_vec(),
        failed: None,
        not_done: Vec::new(),
    };
    assert!(
        report(1)
            .to_text()
            .ends_with("\nApply complete: 1 change.\n")
    );
    assert!(
        report(2)
            .to_text()
            .ends_with("\nApply complete: 2 changes.\n")
    );
    assert!(
        report(0)
            .to_text()
            .ends_with("\nApply complete: 0 changes.\n")
    );
    assert!(
        report(1)
            .to_text()
            .starts_with("  + bucket com.stuzio.projectx (Stuzio): done\n")
    );
}
