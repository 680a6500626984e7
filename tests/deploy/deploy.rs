//! Deploying through the AWS SDK, end to end against moto (IAM, STS and S3 on loopback): the reference
//! scenario applied into its two accounts and used as Troy would use it; plans that are empty when nothing
//! changed and exact when something did; a role made by hand that no plan touches; a plan's calls that do not
//! grow with the roles of the account. Convergence under faults is in `tests/deploy/deploy_faults.rs`.
//!
//! Each test starts its own `moto_server` (`scripts/ci-tools.sh` installs it); without it they are skipped
//! outside CI.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering;

use crate::support::deploy::{
    BASE_KEY, account, apply_all, block_on, clients, make_the_log_bucket,
    make_the_scenarios_bucket, on_moto, plan_of, session,
};
use crate::support::moto::{FaultProxy, Moto};
use crate::support::stacks::{document, scenario_creating_its_bucket};
use crate::support::text::assert_contains_all;
use iamgen::deploy;
use iamgen::deploy::sdk::credentials::Credentials;
use iamgen::deploy::sdk::iam::error::ProvideErrorMetadata as _;
use iamgen::deploy::sdk::iam::types::{Group, Role};
use iamgen::deploy::sdk::s3::primitives::ByteStream;
use iamgen::deploy::sdk::s3::types::{BucketVersioningStatus, VersioningConfiguration};
use iamgen::deploy::session::assume;
use iamgen::deploy::{
    ChangeKind, Session, SessionOptions, VerifyOptions, apply, import_role, plan, verify,
};
use iamgen::names::BucketName;
use iamgen::stack::cross_account::CrossAccount;
use iamgen::stack::{
    BucketEncryption, BucketLogging, BucketOrigin, BucketSettings, InlinePolicy, KmsKey, Stack,
};

const STUZIO: &str = "081278057606";
const ACME: &str = "183438944504";
const BUCKET: &str = "com.stuzio.projectx";
const STACK: &str = deploy::DEFAULT_STACK_NAME;

#[test]
fn the_reference_scenario_works_end_to_end() {
    on_moto(async |moto, admin| {
        let stack = Stack::reference_scenario();

        // The project's bucket holds Stuzio's data before the stack exists: without it, nothing is planned.
        let error = plan(&admin, &stack, STACK)
            .await
            .expect_err("the bucket is missing");
        assert!(
            error.to_string().starts_with(
                "bucket com.stuzio.projectx is declared as existing, but account Stuzio"
            ),
            "{error}"
        );
        make_the_scenarios_bucket(&admin).await;

        let first = plan_of(&admin, &stack).await;
        let text = first.to_text();
        assert_contains_all(
            &text,
            &[
                "# Stuzio (081278057606)",
                "+ role StuzioAcmeConsultantRole",
                "+ policy StuzioProjectXPolicy",
                "+ policy StuzioProjectXPolicy attached to role StuzioAcmeConsultantRole",
                "# Acme (183438944504)",
                "+ user Troy",
                "+ policy AcmeClientAssumeRolePolicy attached to user Troy",
            ],
        );
        // The bucket is Stuzio's, not the stack's: neither made nor changed.
        assert!(!text.contains("bucket com.stuzio.projectx"), "{text}");
        let (add, change, destroy) = first.counts();
        assert_eq!((change, destroy), (0, 0), "{text}");
        assert!(add >= 6, "{text}");
        apply_all(&admin, &stack).await;

        let stuzio = clients(&admin, STUZIO).await;
        let block = stuzio
            .s3
            .get_public_access_block()
            .bucket(BUCKET)
            .send()
            .await;
        assert!(
            block.is_err(),
            "the stack set the public access block of a bucket it does not own: {block:?}"
        );

        // Data in the bucket, and in a bucket the role has no business with.
        stuzio
            .s3
            .put_object()
            .bucket(BUCKET)
            .key("report.csv")
            .body(ByteStream::from_static(b"client,hours\nacme,12\n"))
            .send()
            .await
            .expect("put report.csv");
        stuzio
            .s3
            .create_bucket()
            .bucket("com.stuzio.payroll")
            .send()
            .await
            .expect("another bucket");
        stuzio
            .s3
            .put_object()
            .bucket("com.stuzio.payroll")
            .key("salaries.csv")
            .body(ByteStream::from_static(b"secret"))
            .send()
            .await
            .expect("put salaries.csv");

        // Troy's own access key, made in Acme.
        let acme = clients(&admin, ACME).await;
        let key = acme
            .iam
            .create_access_key()
            .user_name("Troy")
            .send()
            .await
            .expect("Troy's access key");
        let key = key.access_key().expect("a key");
        let troy = admin.config_for(Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "troy",
        ));

        moto.enforce(true);
        let role = format!("arn:aws:iam::{STUZIO}:role/StuzioAcmeConsultantRole");
        let consultant = assume(&troy, &role, "troy")
            .await
            .expect("Troy assumes the role");
        let as_consultant = deploy::AccountClients::new(&admin.config_for(consultant));
        let listed = as_consultant
            .s3
            .list_objects_v2()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the role lists the project's bucket");
        let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
        assert_eq!(keys, ["report.csv"]);
        let object = as_consultant
            .s3
            .get_object()
            .bucket(BUCKET)
            .key("report.csv")
            .send()
            .await
            .expect("the role reads the report");
        let body = object.body.collect().await.expect("the body").into_bytes();
        assert_eq!(&body[..], b"client,hours\nacme,12\n");

        let denied = as_consultant
            .s3
            .get_object()
            .bucket("com.stuzio.payroll")
            .key("salaries.csv")
            .send()
            .await
            .expect_err("another bucket is out of the role's reach");
        assert_eq!(denied.code(), Some("AccessDenied"), "{denied:?}");

        // `verify` walks the same chain from the stack and reports each step.
        let report = verify(&admin, &stack, &troy, &VerifyOptions::default()).await;
        let text = report.to_text();
        assert!(report.is_success(), "{text}");
        assert_contains_all(
            &text,
            &[
                "ok      who the principal is (sts:GetCallerIdentity): arn:aws:iam::183438944504:user/Troy",
                "ok      assume arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole (sts:AssumeRole)",
                "ok      s3:ListAllMyBuckets",
                "ok      s3:ListBucket on com.stuzio.projectx: 1 object(s) listed",
                "ok      s3:GetObject in com.stuzio.projectx (HeadObject): report.csv: 21 byte(s)",
            ],
        );

        // Without the assume-role policy on Acme's side, Troy cannot assume the role any more.
        moto.enforce(false);
        acme.iam
            .detach_user_policy()
            .user_name("Troy")
            .policy_arn(format!(
                "arn:aws:iam::{ACME}:policy/AcmeClientAssumeRolePolicy"
            ))
            .send()
            .await
            .expect("detach");
        moto.enforce(true);
        let error = assume(&troy, &role, "troy-again")
            .await
            .expect_err("Troy may no longer assume the role");
        assert!(error.to_string().contains("AccessDenied"), "{error}");
        let report = verify(&admin, &stack, &troy, &VerifyOptions::default()).await;
        assert!(!report.is_success(), "{}", report.to_text());
        assert!(
            report.to_text().contains("FAILED  assume arn:aws:iam::081278057606:role/StuzioAcmeConsultantRole (sts:AssumeRole): AccessDenied"),
            "{}",
            report.to_text()
        );
    });
}

#[test]
fn plans_are_empty_when_nothing_changed_and_exact_when_something_did() {
    on_moto(async |_, admin| {
        let stuzio = clients(&admin, STUZIO).await;
        // A role made by hand in the same account: no plan may touch it.
        stuzio
            .iam
            .create_role()
            .role_name("HandMadeRole")
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            )
            .send()
            .await
            .expect("a role made by hand");

        let with_extra = |permissions: &str| {
            let mut stack = scenario_creating_its_bucket();
            let policy = stack
                .policy_by_name("StuzioProjectXPolicy")
                .expect("the policy");
            stack.policy_mut(policy).document = document(permissions);
            let (stuzio_ref, _) = stack.accounts().next().expect("Stuzio");
            let reader = stack.add_role(
                stuzio_ref,
                "ReportReader",
                document(&format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{STUZIO}:root"}},"Action":"sts:AssumeRole"}}]}}"#
                )),
            ).expect("a new role");
            stack.attach(reader, policy);
            stack
        };
        let statements = |sid: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"FullAccessToProjectX","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::{BUCKET}","arn:aws:s3:::{BUCKET}/*"]}},{{"Sid":"{sid}","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}}]}}"#
            )
        };
        let stack = with_extra(&statements("ListAllBuckets"));
        apply_all(&admin, &stack).await;

        // One statement changed: one policy update, nothing else. Six times over, past IAM's five versions.
        for round in 0..6 {
            let changed = with_extra(&statements(&format!("ListAllBuckets{round}")));
            let planned = plan_of(&admin, &changed).await;
            assert_eq!(planned.changes.len(), 1, "{}", planned.to_text());
            let change = &planned.changes[0];
            assert_eq!(
                (change.kind, change.subject.as_str()),
                (ChangeKind::Update, "policy StuzioProjectXPolicy"),
                "{}",
                planned.to_text()
            );
            apply_all(&admin, &changed).await;
        }
        let arn = format!("arn:aws:iam::{STUZIO}:policy/StuzioProjectXPolicy");
        let versions = stuzio
            .iam
            .list_policy_versions()
            .policy_arn(&arn)
            .send()
            .await
            .expect("versions");
        assert_eq!(versions.versions().len(), 5, "IAM's limit, kept by pruning");

        // The extra role taken out of the stack: the plan deletes it and nothing else.
        let mut without = scenario_creating_its_bucket();
        let policy = without
            .policy_by_name("StuzioProjectXPolicy")
            .expect("the policy");
        without.policy_mut(policy).document = document(&statements("ListAllBuckets5"));
        let planned = plan_of(&admin, &without).await;
        assert_eq!(planned.changes.len(), 1, "{}", planned.to_text());
        assert_eq!(
            (planned.changes[0].kind, planned.changes[0].subject.as_str()),
            (ChangeKind::Delete, "role ReportReader"),
            "{}",
            planned.to_text()
        );
        assert!(!planned.to_text().contains("HandMadeRole"));
        apply_all(&admin, &without).await;

        let roles = stuzio.iam.list_roles().send().await.expect("roles");
        let names: BTreeSet<&str> = roles.roles().iter().map(Role::role_name).collect();
        assert_eq!(
            names,
            BTreeSet::from(["HandMadeRole", "StuzioAcmeConsultantRole"])
        );

        // Someone takes the bucket's public access block away: the plan puts it back, and only that.
        stuzio
            .s3
            .delete_public_access_block()
            .bucket(BUCKET)
            .send()
            .await
            .expect("delete the public access block");
        let planned = plan_of(&admin, &without).await;
        assert_eq!(planned.changes.len(), 1, "{}", planned.to_text());
        assert_eq!(
            (planned.changes[0].kind, planned.changes[0].subject.as_str()),
            (
                ChangeKind::Update,
                "public access block of bucket com.stuzio.projectx"
            ),
            "{}",
            planned.to_text()
        );
        apply_all(&admin, &without).await;
        let after = plan_of(&admin, &without).await;
        assert!(after.is_empty(), "{}", after.to_text());
    });
}

#[test]
fn a_bucket_is_made_with_its_settings_and_a_drift_is_put_back() {
    on_moto(async |_, admin| {
        const LOGS: &str = "com.stuzio.logs";
        let stuzio = clients(&admin, STUZIO).await;
        make_the_log_bucket(&admin).await;
        let mut stack = scenario_creating_its_bucket();
        let (stuzio_ref, _) = stack.accounts().next().expect("Stuzio");
        stack
            .add_existing_bucket(stuzio_ref, LOGS)
            .expect("a new bucket");
        let bucket = stack.bucket_by_name(BUCKET).expect("the bucket");
        let name = |text: &str| BucketName::new(text).expect("a bucket name");
        stack
            .set_bucket_origin(
                bucket,
                BucketOrigin::Created(BucketSettings {
                    versioning: true,
                    encryption: BucketEncryption::Kms {
                        key: Some(KmsKey::new("alias/projectx").expect("an alias")),
                    },
                    logging: Some(BucketLogging::into_bucket(name(LOGS), &name(BUCKET))),
                }),
            )
            .expect("valid settings");
        let text = apply_all(&admin, &stack).await;
        assert_contains_all(
            &text,
            &[
                "+ bucket com.stuzio.projectx (Stuzio): done",
                "+ versioning of bucket com.stuzio.projectx: enabled (Stuzio): done",
                "+ default encryption of bucket com.stuzio.projectx: SSE-KMS with alias/projectx (Stuzio): done",
                "+ access logging of bucket com.stuzio.projectx: into com.stuzio.logs under `com.stuzio.projectx/` (Stuzio): done",
            ],
        );
        assert!(!text.contains("bucket com.stuzio.logs"), "{text}");

        let versioning = stuzio
            .s3
            .get_bucket_versioning()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the versioning");
        assert_eq!(versioning.status(), Some(&BucketVersioningStatus::Enabled));
        let encryption = stuzio
            .s3
            .get_bucket_encryption()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the encryption");
        let rule = &encryption
            .server_side_encryption_configuration()
            .expect("a configuration")
            .rules()[0];
        let default = rule
            .apply_server_side_encryption_by_default()
            .expect("a default");
        assert_eq!(
            (
                default.sse_algorithm().as_str(),
                default.kms_master_key_id(),
                rule.bucket_key_enabled()
            ),
            ("aws:kms", Some("alias/projectx"), Some(true))
        );
        let logging = stuzio
            .s3
            .get_bucket_logging()
            .bucket(BUCKET)
            .send()
            .await
            .expect("the logging");
        let enabled = logging.logging_enabled().expect("logging on");
        assert_eq!(
            (enabled.target_bucket(), enabled.target_prefix()),
            (LOGS, "com.stuzio.projectx/")
        );

        // Someone suspends versioning: the plan turns it on again, and only that.
        stuzio
            .s3
            .put_bucket_versioning()
            .bucket(BUCKET)
            .versioning_configuration(
                VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Suspended)
                    .build(),
            )
            .send()
            .await
            .expect("versioning suspended");
        let planned = plan_of(&admin, &stack).await;
        assert_eq!(
            planned
                .changes
                .iter()
                .map(|change| change.subject.as_str())
                .collect::<Vec<_>>(),
            ["versioning of bucket com.stuzio.projectx"],
            "{}",
            planned.to_text()
        );
        apply_all(&admin, &stack).await;
    });
}

/// The hardened scenario's role, with an inline policy too, applied and imported.
async fn applied_hardened(admin: &Session) -> Stack {
    // The hardened bucket logs into Stuzio's log bucket, which exists already.
    make_the_log_bucket(admin).await;
    let acme = clients(admin, ACME).await;
    // The hardened variant's consultants exist already in Acme: the stack puts them in its group.
    for user in ["Troy", "Dana"] {
        acme.iam
            .create_user()
            .user_name(user)
            .send()
            .await
            .expect("an existing user");
    }
    let mut stack = CrossAccount::hardened_scenario()
        .build()
        .expect("the hardened pattern builds");
    let role = stack
        .role_by_name("StuzioAcmeConsultantRole")
        .expect("the role");
    stack.add_inline(
        role,
        InlinePolicy {
            name: "DenyDeletingTheBucket".to_owned(),
            document: document(&format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::{BUCKET}"}}]}}"#
            )),
        },
    ).expect("a valid inline policy name");
    apply_all(admin, &stack).await;
    stack
}

#[test]
fn an_imported_role_reads_back_as_a_spec_that_plans_no_change() {
    on_moto(async |_, admin| {
        applied_hardened(&admin).await;

        // The users that existed stay someone else's: never tagged, never created.
        let acme = clients(&admin, ACME).await;
        let tags = acme
            .iam
            .list_user_tags()
            .user_name("Troy")
            .send()
            .await
            .expect("Troy's tags");
        assert!(tags.tags().is_empty(), "{:?}", tags.tags());
        let groups = acme
            .iam
            .list_groups_for_user()
            .user_name("Dana")
            .send()
            .await
            .expect("Dana's groups");
        let names: Vec<&str> = groups.groups().iter().map(Group::group_name).collect();
        assert_eq!(names, ["StuzioConsultants"]);

        let imported = import_role(&admin, &account(STUZIO), "StuzioAcmeConsultantRole", None)
            .await
            .expect("the role imports");
        let toml = imported.to_toml();
        let spec = iamgen::stack::spec::from_toml(&toml)
            .unwrap_or_else(|error| panic!("{}\n{toml}", error.render(&toml, "imported.toml")));
        let planned = plan_of(&admin, &spec).await;
        assert!(planned.is_empty(), "{}\n{toml}", planned.to_text());

        insta::assert_snapshot!("imported_toml", toml);
        insta::assert_json_snapshot!("imported_json", imported.to_json());
        // The Rust source is compiled by the macros' pass tests: it must be the file they compile.
        let rust = imported.to_rust();
        crate::support::files::assert_golden(
            "macros/tests/ui/pass/imported/stuzio_acme_consultant_role.rs",
            &rust,
        );
    });
}

#[test]
fn a_role_changes_in_place_setting_by_setting() {
    on_moto(async |_, admin| {
        make_the_scenarios_bucket(&admin).await;
        let stack = Stack::reference_scenario();
        apply_all(&admin, &stack).await;

        // The hardened role's settings on the reference stack: trust, description, session, tags, boundary.
        let hardened = CrossAccount::hardened_scenario();
        let mut changed = Stack::reference_scenario();
        let (stuzio, _) = changed.accounts().next().expect("Stuzio");
        let boundary_document = hardened
            .role
            .permissions_boundary
            .clone()
            .expect("a boundary")
            .1;
        let boundary = changed
            .add_policy(stuzio, "StuzioConsultantBoundary", boundary_document)
            .expect("a new policy");
        let role = changed
            .role_by_name("StuzioAcmeConsultantRole")
            .expect("the role");
        let declared = changed.role_mut(role);
        declared.trust = document(&format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACME}:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"x-1"}}}}}}]}}"#
        ));
        declared.description = Some("Acme consultants".to_owned());
        declared.max_session_duration = Some(7_200);
        declared.tags = vec![("project".to_owned(), "x".to_owned())];
        declared.permissions_boundary = Some(boundary);

        let planned = plan_of(&admin, &changed).await;
        let lines: Vec<String> = planned
            .changes
            .iter()
            .map(|c| {
                format!(
                    "{} {}{}",
                    c.kind.sign(),
                    c.subject,
                    c.detail
                        .as_ref()
                        .map(|d| format!(": {d}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                "~ role StuzioAcmeConsultantRole: trust policy",
                "~ role StuzioAcmeConsultantRole: description and session duration",
                "~ role StuzioAcmeConsultantRole: tags project",
                "+ policy StuzioConsultantBoundary",
                "~ permissions boundary of role StuzioAcmeConsultantRole: StuzioConsultantBoundary",
            ],
            "{}",
            planned.to_text()
        );
        apply_all(&admin, &changed).await;

        // And back: the tag and the boundary removed, the boundary policy deleted (the stack made it).
        let text = plan_of(&admin, &stack).await.to_text();
        assert_contains_all(
            &text,
            &[
                "~ role StuzioAcmeConsultantRole: remove tags project",
                "- permissions boundary of role StuzioAcmeConsultantRole",
                "- policy StuzioConsultantBoundary",
            ],
        );
        apply_all(&admin, &stack).await;
    });
}

#[test]
fn a_stopped_apply_says_what_it_did_and_the_next_run_converges() {
    let Some(moto) = Moto::start() else {
        return;
    };
    // No faults at random: an outage (every request answered 500) from a chosen request on.
    let proxy = FaultProxy::start(moto.port(), 0, 0);
    block_on(async {
        let faulty = Session::new(SessionOptions {
            endpoint_url: Some(proxy.endpoint()),
            static_credentials: Some((BASE_KEY.0.to_owned(), BASE_KEY.1.to_owned())),
            // No retries: the outage stops the apply at once.
            max_attempts: 1,
            ..SessionOptions::default()
        })
        .await
        .expect("a session through the proxy");
        let stack = scenario_creating_its_bucket();
        let planned = plan_of(&faulty, &stack).await;
        let total = planned.changes.len();
        // Three changes get through (the bucket, its public access block, its versioning), then AWS fails.
        proxy.outage_after(3);
        let report = apply(&faulty, &planned).await;
        proxy.heal();
        assert!(!report.is_complete());
        assert_eq!(report.done.len(), 3, "{}", report.to_text());
        assert_eq!(report.not_done.len(), total - 4, "{}", report.to_text());
        let text = report.to_text();
        assert!(
            text.contains("+ bucket com.stuzio.projectx (Stuzio): done"),
            "{text}"
        );
        assert!(text.contains(": FAILED: "), "{text}");
        assert!(text.contains("not attempted"), "{text}");
        assert!(
            text.contains(&format!(
                "Apply stopped: 3 done, 1 failed, {} not attempted.",
                total - 4
            )),
            "{text}"
        );

        // The next plan holds exactly what was not done, and applying it converges.
        let again = plan_of(&faulty, &stack).await;
        assert_eq!(again.changes.len(), total - 3, "{}", again.to_text());
        apply_all(&faulty, &stack).await;
    });
}

/// Creates `count` roles no stack declares or owns in `clients`' account.
async fn unrelated_roles(clients: &deploy::AccountClients, count: usize) {
    for index in 0..count {
        clients
            .iam
            .create_role()
            .role_name(format!("Unrelated{index:05}"))
            .assume_role_policy_document(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            )
            .tags(
                deploy::sdk::iam::types::Tag::builder()
                    .key("team")
                    .value("other")
                    .build()
                    .expect("a tag"),
            )
            .send()
            .await
            .expect("an unrelated role");
    }
}

#[test]
fn a_clean_plan_costs_the_same_calls_however_many_unrelated_roles_the_account_holds() {
    on_moto(async |moto, admin| {
        // A proxy without faults counts the requests of each plan.
        let proxy = FaultProxy::start(moto.port(), 0, 0);
        let counted = session(&proxy.endpoint()).await;
        make_the_scenarios_bucket(&admin).await;
        let stack = Stack::reference_scenario();
        apply_all(&admin, &stack).await;

        let calls_of_a_plan = async || {
            // The session's clients are made (and STS asked) once: count the plan alone.
            let before = proxy.counts.requests.load(Ordering::SeqCst);
            let planned = plan(&counted, &stack, STACK).await.expect("a plan");
            assert!(planned.is_empty(), "{}", planned.to_text());
            proxy.counts.requests.load(Ordering::SeqCst) - before
        };
        calls_of_a_plan().await;
        let alone = calls_of_a_plan().await;
        let stuzio = clients(&admin, STUZIO).await;
        unrelated_roles(&stuzio, 120).await;
        let among_others = calls_of_a_plan().await;
        assert_eq!(
            among_others, alone,
            "a plan reads the account in bulk, not role by role"
        );
    });
}
