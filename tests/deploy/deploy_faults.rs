//! Writes that lose their answer, against moto behind a fault proxy: IAM carried the write out, the connection
//! dropped before the reply, and the SDK's retry must not do it twice. Also the region a bucket is made in.
//!
//! Each test starts its own `moto_server` (`scripts/ci-tools.sh` installs it); without it they are skipped
//! outside CI.

use std::fmt::Write as _;

use crate::support::deploy::{BASE_KEY, block_on, clients, on_moto, session, session_with};
use crate::support::moto::{FaultProxy, Moto};
use crate::support::rng::env_number;
use crate::support::stacks::scenario_creating_its_bucket;
use iamgen::PolicyDocument;
use iamgen::deploy::{self, Session, SessionOptions, apply, plan};
use iamgen::stack::Stack;

const STUZIO: &str = "081278057606";
const BUCKET: &str = "com.stuzio.projectx";
const STACK: &str = deploy::DEFAULT_STACK_NAME;
const POLICY: &str = "StuzioProjectXPolicy";

/// Plans and applies `stack`, requiring every change to be made.
async fn apply_all(session: &Session, stack: &Stack) -> usize {
    let planned = plan(session, stack, STACK).await.expect("a plan");
    let report = apply(session, &planned).await;
    assert!(report.is_complete(), "{}", report.to_text());
    report.done.len()
}

/// The reference scenario with its managed policy's second statement named `sid`.
fn scenario_with(sid: &str) -> Stack {
    let mut stack = scenario_creating_its_bucket();
    let policy = stack.policy_by_name(POLICY).expect("the policy");
    stack.policy_mut(policy).document = PolicyDocument::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"FullAccessToProjectX","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"]}},{{"Sid":"{sid}","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}]}}"#
    ))
    .expect("a policy");
    stack
}

/// Every version of the policy `arn` in `clients`' account: `(id, is the default, the document)`, oldest first.
async fn version_documents(
    clients: &deploy::AccountClients,
    arn: &str,
) -> Vec<(String, bool, PolicyDocument)> {
    let listed = clients
        .iam
        .list_policy_versions()
        .policy_arn(arn)
        .send()
        .await
        .expect("versions");
    let mut out = Vec::new();
    for version in listed.versions() {
        let id = version.version_id().unwrap_or_default().to_owned();
        let got = clients
            .iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(&id)
            .send()
            .await
            .expect("a version");
        let text = got
            .policy_version()
            .and_then(|version| version.document())
            .unwrap_or_default();
        let document = PolicyDocument::from_json(&deploy::canonical::decode_document(text))
            .expect("a document");
        out.push((id, version.is_default_version(), document));
    }
    out.sort_by_key(|(id, _, _)| id.trim_start_matches('v').parse::<u32>().unwrap_or(0));
    out
}

/// The policy's versions: `(id, is the default, the document's second Sid)`, oldest first by number.
async fn versions(session: &Session) -> Vec<(String, bool, String)> {
    let stuzio = clients(session, STUZIO).await;
    let arn = format!("arn:aws:iam::{STUZIO}:policy/{POLICY}");
    version_documents(&stuzio, &arn)
        .await
        .into_iter()
        .map(|(id, is_default, document)| {
            let sid = document
                .statements()
                .nth(1)
                .and_then(|statement| statement.sid.clone())
                .unwrap_or_default();
            (id, is_default, sid)
        })
        .collect()
}

#[test]
fn a_lost_answer_to_create_policy_version_makes_no_second_version() {
    on_moto(async |moto, direct| {
        let proxy = FaultProxy::start(moto.port(), 0, 0);
        let through_proxy = session(&proxy.endpoint()).await;
        apply_all(&direct, &scenario_with("First")).await;

        // IAM makes v2, the answer is lost, the SDK retries: one new version, the default, and nothing to plan.
        proxy.lose_answers_to("CreatePolicyVersion", 1);
        let done = apply_all(&through_proxy, &scenario_with("Second")).await;
        assert_eq!(done, 1);
        assert_eq!(
            proxy
                .counts
                .dropped_after
                .load(std::sync::atomic::Ordering::SeqCst),
            1
        );
        assert_eq!(
            versions(&direct).await,
            [
                ("v1".to_owned(), false, "First".to_owned()),
                ("v2".to_owned(), true, "Second".to_owned()),
            ]
        );
        let again = plan(&direct, &scenario_with("Second"), STACK)
            .await
            .expect("a plan");
        assert!(again.is_empty(), "{}", again.to_text());

        // Up to IAM's five versions, then the same fault at the limit: the oldest goes, one version is made.
        for sid in ["Third", "Fourth", "Fifth"] {
            apply_all(&direct, &scenario_with(sid)).await;
        }
        assert_eq!(versions(&direct).await.len(), 5);
        proxy.lose_answers_to("CreatePolicyVersion", 1);
        let planned = plan(&through_proxy, &scenario_with("Sixth"), STACK)
            .await
            .expect("a plan");
        let report = apply(&through_proxy, &planned).await;
        assert!(report.is_complete(), "{}", report.to_text());
        assert_eq!(report.done.len(), 1, "{}", report.to_text());
        let after = versions(&direct).await;
        let sids: Vec<&str> = after.iter().map(|(_, _, sid)| sid.as_str()).collect();
        assert_eq!(
            sids,
            ["Second", "Third", "Fourth", "Fifth", "Sixth"],
            "{after:?}"
        );
        assert!(
            after.last().is_some_and(|(_, default, _)| *default),
            "{after:?}"
        );
    });
}

#[test]
fn a_bucket_is_made_in_the_session_region() {
    let Some(moto) = Moto::start() else {
        return;
    };
    block_on(async {
        let admin = session_with(&moto.endpoint(), "eu-west-1").await;
        let stack = scenario_creating_its_bucket();
        apply_all(&admin, &stack).await;
        let stuzio = clients(&admin, STUZIO).await;
        let location = stuzio
            .s3
            .get_bucket_location()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the bucket's location");
        assert_eq!(
            location
                .location_constraint()
                .map(deploy::sdk::s3::types::BucketLocationConstraint::as_str),
            Some("eu-west-1")
        );
        let again = plan(&admin, &stack, STACK).await.expect("a plan");
        assert!(again.is_empty(), "{}", again.to_text());
    });
}

#[test]
fn a_bucket_name_taken_by_another_account_is_an_error_not_done() {
    on_moto(async |_, admin| {
        // Acme takes the name first: Stuzio's stack must neither report the bucket made nor go on as if it were.
        let acme = clients(&admin, "183438944504").await;
        acme.s3
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("Acme's bucket");
        let planned = plan(&admin, &scenario_creating_its_bucket(), STACK)
            .await
            .expect("a plan");
        let report = apply(&admin, &planned).await;
        let text = report.to_text();
        assert!(!report.is_complete(), "{text}");
        assert!(report.done.is_empty(), "{text}");
        assert!(text.contains("BucketAlreadyExists"), "{text}");
    });
}

/// A stack with `roles` roles in Stuzio beside the scenario's (each with a tag, an inline policy and a managed
/// policy of its own attached), and `users` users in Acme in a group; `version` changes every document and tag.
fn larger_stack(roles: usize, users: usize, version: u32) -> Stack {
    let mut stack = scenario_with(&format!("Round{version}"));
    let (stuzio, _) = stack.accounts().next().expect("Stuzio");
    let (acme, _) = stack.accounts().nth(1).expect("Acme");
    let trust = PolicyDocument::from_json(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::183438944504:root"},"Action":"sts:AssumeRole"}]}"#,
    )
    .expect("a trust policy");
    for index in 0..roles {
        let role = stack
            .add_role(stuzio, format!("Worker{index:02}"), trust.clone())
            .expect("a role");
        stack
            .add_tag(role, "revision", version.to_string())
            .expect("a tag");
        let read = PolicyDocument::from_json(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Read{version}","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{BUCKET}/worker{index}/*"}}]}}"#
        ))
        .expect("a policy");
        let policy = stack
            .add_policy(stuzio, format!("Worker{index:02}Policy"), read.clone())
            .expect("a policy");
        stack.attach(role, policy);
        stack
            .add_inline(
                role,
                iamgen::stack::InlinePolicy {
                    name: "List".to_owned(),
                    document: PolicyDocument::from_json(&format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"List{version}","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{BUCKET}"}}]}}"#
                    ))
                    .expect("a policy"),
                },
            )
            .expect("an inline policy");
    }
    let group = stack.add_group(acme, "Consultants").expect("a group");
    for index in 0..users {
        let user = stack
            .add_user(acme, format!("consultant{index:02}"))
            .expect("a user");
        stack.add_to_group(user, group);
    }
    stack
}

/// Every customer managed policy of `session`'s account `id`: `(name, [version documents])`, to find duplicates.
async fn policy_versions(session: &Session, id: &str) -> Vec<(String, Vec<String>)> {
    let clients = clients(session, id).await;
    let listed = clients
        .iam
        .list_policies()
        .scope(deploy::sdk::iam::types::PolicyScopeType::Local)
        .send()
        .await
        .expect("policies");
    let mut out = Vec::new();
    for policy in listed.policies() {
        let arn = policy.arn().unwrap_or_default();
        let documents = version_documents(&clients, arn)
            .await
            .iter()
            .map(|(_, _, document)| deploy::canonical::canonical(document).to_string())
            .collect();
        out.push((
            policy.policy_name().unwrap_or_default().to_owned(),
            documents,
        ));
    }
    out.sort();
    out
}

/// What no stack owns in Stuzio, as the account holds it: the hand-made role's tags, trust, attachments and
/// inline policies, and the hand-made policy's versions.
async fn not_owned(session: &Session) -> String {
    let stuzio = clients(session, STUZIO).await;
    let role = stuzio
        .iam
        .get_role()
        .role_name("HandMadeRole")
        .send()
        .await
        .expect("the hand-made role is there");
    let attached = stuzio
        .iam
        .list_attached_role_policies()
        .role_name("HandMadeRole")
        .send()
        .await
        .expect("its attachments");
    let inline = stuzio
        .iam
        .list_role_policies()
        .role_name("HandMadeRole")
        .send()
        .await
        .expect("its inline policies");
    let tags = stuzio
        .iam
        .list_role_tags()
        .role_name("HandMadeRole")
        .send()
        .await
        .expect("its tags");
    let versions = stuzio
        .iam
        .list_policy_versions()
        .policy_arn(format!("arn:aws:iam::{STUZIO}:policy/HandMadePolicy"))
        .send()
        .await
        .expect("the hand-made policy is there");
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{}",
        role.role().map(|role| role.assume_role_policy_document()),
        attached.attached_policies(),
        inline.policy_names(),
        tags.tags(),
        versions.versions().len()
    )
}

/// Each spec in turn applied through a proxy that disturbs 35 % of requests (throttling, 500s, connections
/// dropped before and after moto carried the request out), until a plan is empty; then the state checked
/// against moto directly: the plan is empty there too, no policy holds a version twice, and nothing the stack
/// does not own changed. `IAMGEN_FAULT_SEED` replays a seed.
#[test]
fn every_spec_converges_under_a_third_of_requests_failing() {
    on_moto(async |moto, direct| {
        let seed = env_number("IAMGEN_FAULT_SEED", 0x5eed_1a3e);
        let percent = 35;
        let proxy = FaultProxy::start(moto.port(), percent, seed);
        let stuzio = clients(&direct, STUZIO).await;
        // Made by hand, beside the stack: a role with a tag, an attachment and an inline policy, and a policy.
        let hand_policy = stuzio
            .iam
            .create_policy()
            .policy_name("HandMadePolicy")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
            .send()
            .await
            .expect("a policy made by hand");
        let hand_arn = hand_policy
            .policy()
            .and_then(|policy| policy.arn())
            .expect("its ARN")
            .to_owned();
        stuzio
            .iam
            .create_role()
            .role_name("HandMadeRole")
            .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
            .tags(
                deploy::sdk::iam::types::Tag::builder()
                    .key("team")
                    .value("data")
                    .build()
                    .expect("a tag"),
            )
            .send()
            .await
            .expect("a role made by hand");
        stuzio
            .iam
            .attach_role_policy()
            .role_name("HandMadeRole")
            .policy_arn(&hand_arn)
            .send()
            .await
            .expect("an attachment by hand");
        stuzio
            .iam
            .put_role_policy()
            .role_name("HandMadeRole")
            .policy_name("HandMadeInline")
            .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}"#)
            .send()
            .await
            .expect("an inline policy by hand");
        let untouched = not_owned(&direct).await;

        let specs = [
            ("the reference scenario", scenario_creating_its_bucket()),
            ("12 roles, 6 users", larger_stack(12, 6, 1)),
            ("every document and tag changed", larger_stack(12, 6, 2)),
            ("again, past five versions", larger_stack(12, 6, 3)),
            ("4 roles and 2 users fewer", larger_stack(8, 4, 4)),
            (
                "the reference scenario again",
                scenario_creating_its_bucket(),
            ),
        ];
        let mut log = String::new();
        for (what, stack) in &specs {
            let mut rounds = 0;
            loop {
                rounds += 1;
                assert!(
                    rounds <= 12,
                    "{what}: apply did not converge in 12 rounds (seed {seed:#x}):\n{log}"
                );
                let Ok(faulty) = Session::new(SessionOptions {
                    endpoint_url: Some(proxy.endpoint()),
                    static_credentials: Some((BASE_KEY.0.to_owned(), BASE_KEY.1.to_owned())),
                    ..SessionOptions::default()
                })
                .await
                else {
                    continue;
                };
                let planned = match plan(&faulty, stack, STACK).await {
                    Ok(planned) => planned,
                    Err(error) => {
                        let _ = writeln!(log, "{what}, round {rounds}: plan: {error}");
                        continue;
                    }
                };
                if planned.is_empty() {
                    break;
                }
                let report = apply(&faulty, &planned).await;
                let _ = write!(log, "{what}, round {rounds}:\n{}", report.to_text());
            }
            let planned = plan(&direct, stack, STACK).await.expect("a plan");
            assert!(planned.is_empty(), "{what}: {}", planned.to_text());
            for id in [STUZIO, "183438944504"] {
                for (name, documents) in policy_versions(&direct, id).await {
                    let distinct: std::collections::BTreeSet<&String> = documents.iter().collect();
                    assert_eq!(
                        distinct.len(),
                        documents.len(),
                        "{what}: policy {name} holds a version twice (seed {seed:#x})"
                    );
                }
            }
            assert_eq!(
                not_owned(&direct).await,
                untouched,
                "{what}: something the stack does not own changed (seed {seed:#x})"
            );
        }
        let counts = &proxy.counts;
        let requests = counts.requests.load(std::sync::atomic::Ordering::SeqCst);
        let faults = [
            &counts.throttled,
            &counts.server_errors,
            &counts.dropped_before,
            &counts.dropped_after,
        ]
        .map(|count| count.load(std::sync::atomic::Ordering::SeqCst));
        eprintln!(
            "seed {seed:#x}: {requests} requests, {} disturbed ({} throttled, {} 500s, {} dropped before, {} dropped after moto carried them out)",
            faults.iter().sum::<usize>(),
            faults[0],
            faults[1],
            faults[2],
            faults[3]
        );
        assert!(requests >= 500, "{requests} requests: too few to say much");
        assert!(
            faults.iter().sum::<usize>() * 100 >= requests * 30,
            "fewer than 30 % disturbed"
        );
    });
}
