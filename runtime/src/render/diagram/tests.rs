use crate::policy::{AccountId, PolicyDocument};
use crate::render::{Target, render};
use crate::stack::{AccountRef, InlinePolicy, PrincipalRef, RoleRef, Stack};

const ACME: &str = "183438944504";
const ROLE: &str = "arn:aws:iam::081278057606:role/Consultant";

fn document(statements: &str) -> PolicyDocument {
    let json = format!(r#"{{"Version": "2012-10-17", "Statement": [{statements}]}}"#);
    PolicyDocument::from_json(&json).unwrap_or_else(|error| panic!("{error}\n{json}"))
}

/// A stack: Stuzio's role `Consultant` with trust policy `trust`, Acme's users Troy and Dana, Troy in group
/// Staff, each with the statements given as an inline policy (none when empty).
struct Fixture {
    stack: Stack,
    stuzio: AccountRef,
    consultant: RoleRef,
}

impl Fixture {
    fn new(trust: &str, troy: &str, staff: &str) -> Fixture {
        let mut stack = Stack::new();
        let stuzio = stack.add_account(AccountId::parse("081278057606").expect("an id"), "Stuzio");
        let acme = stack.add_account(AccountId::parse(ACME).expect("an id"), "Acme");
        let staff_group = stack.add_group(acme, "Staff").expect("a group");
        let troy_user = stack.add_user(acme, "Troy").expect("a user");
        stack.add_user(acme, "Dana").expect("a user");
        stack.add_to_group(troy_user, staff_group);
        let consultant = stack
            .add_role(stuzio, "Consultant", document(trust))
            .expect("a role");
        let mut fixture = Fixture {
            stack,
            stuzio,
            consultant,
        };
        fixture.inline(PrincipalRef::Group(staff_group), staff);
        fixture.inline(PrincipalRef::User(troy_user), troy);
        fixture
    }

    fn inline(&mut self, principal: PrincipalRef, statements: &str) {
        if !statements.is_empty() {
            let policy = InlinePolicy {
                name: "Inline".to_owned(),
                document: document(statements),
            };
            self.stack
                .add_inline(principal, policy)
                .expect("an inline policy");
        }
    }

    fn file(&self, name: &str) -> String {
        let rendered = render(&self.stack, &[Target::Diagram]).expect("renders");
        rendered.files()[name].clone()
    }

    fn mermaid(&self) -> String {
        self.file("diagram.mmd")
    }
}

/// `diagram.mmd` of [`Fixture::new`].
fn diagram(trust: &str, troy: &str, staff: &str) -> String {
    Fixture::new(trust, troy, staff).mermaid()
}

fn edges(diagram: &str) -> Vec<&str> {
    diagram
        .lines()
        .map(str::trim)
        .filter(|line| line.contains("|\""))
        .collect()
}

const TRUST_ACME: &str = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole"}"#;
const TROY_ASSUMES: &str = r#"{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::081278057606:role/Consultant"}"#;

#[test]
fn a_plain_trust_and_assume_policy_are_drawn_as_before() {
    let drawn = diagram(TRUST_ACME, TROY_ASSUMES, "");
    assert_eq!(
        edges(&drawn),
        [
            r#"stuzio_role_consultant -.->|"trusts"| acme_account"#,
            r#"acme_user_troy ==>|"sts:AssumeRole"| stuzio_role_consultant"#,
            r#"acme_user_troy ---|"member of"| acme_group_staff"#,
        ],
        "{drawn}"
    );
}

#[test]
fn an_account_node_no_edge_reaches_is_not_drawn() {
    // Stuzio's root: no trust names it, and Stuzio has a role to show.
    let drawn = diagram(TRUST_ACME, TROY_ASSUMES, "");
    assert!(!drawn.contains("stuzio_account"), "{drawn}");
    assert!(drawn.contains("acme_account"), "{drawn}");
}

#[test]
fn an_account_with_nothing_else_to_show_keeps_its_node() {
    let mut fixture = Fixture::new(TRUST_ACME, "", "");
    fixture
        .stack
        .add_account(AccountId::parse("555555555555").expect("an id"), "Empty");
    let drawn = fixture.mermaid();
    assert!(
        drawn.contains(r#"empty_account[/"account Empty (root)"/]"#),
        "{drawn}"
    );
}

#[test]
fn a_trust_that_denies_the_account_draws_no_trust_edge() {
    let trust = format!(
        r#"{TRUST_ACME}, {{"Effect": "Deny", "Principal": {{"AWS": "{ACME}"}}, "Action": "sts:AssumeRole"}}"#
    );
    let drawn = diagram(&trust, "", "");
    assert!(!drawn.contains("trusts"), "{drawn}");
}

#[test]
fn a_trust_that_requires_an_external_id_names_it() {
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}"#;
    let drawn = diagram(trust, "", "");
    assert_eq!(
        edges(&drawn),
        [
            r#"stuzio_role_consultant -.->|"trusts if external id"| acme_account"#,
            r#"acme_user_troy ---|"member of"| acme_group_staff"#,
        ],
        "{drawn}"
    );
}

#[test]
fn a_trust_that_names_users_goes_to_them_with_its_conditions() {
    // The hardened pattern: Troy and Dana by ARN, an external id and MFA. Before, the edge went to "account
    // Acme (root)", labelled "trusts if conditions hold".
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::183438944504:user/Troy", "arn:aws:iam::183438944504:user/Dana"]}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#;
    let drawn = diagram(trust, "", "");
    assert_eq!(
        edges(&drawn)[..2],
        [
            r#"stuzio_role_consultant -.->|"trusts if external id and MFA"| acme_user_troy"#,
            r#"stuzio_role_consultant -.->|"trusts if external id and MFA"| acme_user_dana"#,
        ],
        "{drawn}"
    );
    assert!(!drawn.contains("acme_account"), "{drawn}");
}

#[test]
fn a_trust_narrowed_by_principal_arn_goes_to_the_users_it_names() {
    // The principal is the account, but `aws:PrincipalArn` admits Dana only: the account's root is not admitted.
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "Action": "sts:AssumeRole", "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::183438944504:user/Dana"}}}"#;
    let drawn = diagram(trust, "", "");
    assert_eq!(
        edges(&drawn)[0],
        r#"stuzio_role_consultant -.->|"trusts"| acme_user_dana"#,
        "{drawn}"
    );
    assert!(!drawn.contains("acme_account"), "{drawn}");
    assert!(
        !drawn.contains("-.->|\"trusts\"| acme_user_troy"),
        "{drawn}"
    );
}

#[test]
fn alternative_conditions_are_both_named() {
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}, "Bool": {"aws:MultiFactorAuthPresent": "true"}}}, {"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}"#;
    let drawn = diagram(trust, "", "");
    assert!(
        drawn.contains(r#"-.->|"trusts if (MFA and org id) or source IP"| acme_account"#),
        "{drawn}"
    );
}

#[test]
fn a_conditional_deny_is_part_of_what_the_edge_needs() {
    let trust = format!(
        r#"{TRUST_ACME}, {{"Effect": "Deny", "Principal": {{"AWS": "{ACME}"}}, "Action": "sts:AssumeRole", "Condition": {{"NotIpAddress": {{"aws:SourceIp": "10.0.0.0/8"}}}}}}"#
    );
    let drawn = diagram(&trust, "", "");
    assert!(
        drawn.contains(r#"-.->|"trusts if source IP"| acme_account"#),
        "{drawn}"
    );
}

#[test]
fn principals_outside_the_stack_get_nodes_of_their_own() {
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::210987654321:root", "arn:aws:iam::183438944504:user/Eve"], "Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#;
    let drawn = diagram(trust, "", "");
    for expected in [
        r#"outside_account_210987654321>"account 210987654321 (not in the stack)"]"#,
        r#"outside_arn_aws_iam_183438944504_user_eve>"arn:aws:iam::183438944504:user/Eve (not in the stack)"]"#,
        r#"service_ec2_amazonaws_com>"service ec2.amazonaws.com"]"#,
        r#"stuzio_role_consultant -.->|"trusts"| outside_account_210987654321"#,
        r#"stuzio_role_consultant -.->|"trusts"| service_ec2_amazonaws_com"#,
    ] {
        assert!(drawn.contains(expected), "{expected}\n{drawn}");
    }
}

#[test]
fn a_trust_that_names_the_account_only_in_a_condition_does_not_trust_it() {
    // The account's id is in the policy, but the role admits only EC2.
    let trust = r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"aws:SourceAccount": "183438944504"}}}"#;
    let drawn = diagram(trust, "", "");
    assert!(!drawn.contains("acme_account"), "{drawn}");
    assert!(
        drawn.contains(r#"-.->|"trusts if source account"| service_ec2_amazonaws_com"#),
        "{drawn}"
    );
}

#[test]
fn a_trust_that_allows_other_actions_only_does_not_trust() {
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:root"}, "NotAction": "sts:AssumeRole"}"#;
    let drawn = diagram(trust, "", "");
    assert!(!drawn.contains("trusts"), "{drawn}");
}

#[test]
fn an_explicit_deny_in_the_users_policy_draws_no_assume_edge() {
    let troy =
        format!(r#"{TROY_ASSUMES}, {{"Effect": "Deny", "Action": "sts:*", "Resource": "{ROLE}"}}"#);
    let drawn = diagram(TRUST_ACME, &troy, "");
    assert!(!drawn.contains("sts:AssumeRole"), "{drawn}");
}

#[test]
fn a_deny_in_a_group_holds_its_member_back() {
    let staff =
        format!(r#"{{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "{ROLE}"}}"#);
    let drawn = diagram(TRUST_ACME, TROY_ASSUMES, &staff);
    assert!(!drawn.contains("sts:AssumeRole"), "{drawn}");
}

#[test]
fn not_action_allows_what_it_does_not_list() {
    let troy = r#"{"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}"#;
    let drawn = diagram(TRUST_ACME, troy, "");
    assert!(
        drawn.contains(r#"acme_user_troy ==>|"sts:AssumeRole"| stuzio_role_consultant"#),
        "{drawn}"
    );
}

#[test]
fn an_assume_policy_that_requires_mfa_names_it() {
    let troy = format!(
        r#"{{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "{ROLE}", "Condition": {{"Bool": {{"aws:MultiFactorAuthPresent": "true"}}}}}}"#
    );
    let drawn = diagram(TRUST_ACME, &troy, "");
    assert!(
        drawn.contains(r#"acme_user_troy ==>|"sts:AssumeRole if MFA"| stuzio_role_consultant"#),
        "{drawn}"
    );
}

#[test]
fn an_assume_edge_says_when_the_trust_does_not_admit_the_caller() {
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Dana"}, "Action": "sts:AssumeRole"}"#;
    let drawn = diagram(trust, TROY_ASSUMES, "");
    assert!(
        drawn.contains(
            r#"acme_user_troy ==>|"sts:AssumeRole, not trusted"| stuzio_role_consultant"#
        ),
        "{drawn}"
    );
}

/// `diagram.dot` of the fixture with bucket `data` in Stuzio, and `statements` as the role's inline policy.
fn access(statements: &str) -> String {
    let mut fixture = Fixture::new(TRUST_ACME, "", "");
    fixture
        .stack
        .add_bucket(fixture.stuzio, "data")
        .expect("a bucket");
    fixture.inline(PrincipalRef::Role(fixture.consultant), statements);
    fixture.file("diagram.dot")
}

/// The access edges of `diagram.dot`, as `from -> to: label`.
fn access_edges(dot: &str) -> Vec<String> {
    dot.lines()
        .map(str::trim)
        .filter_map(|line| line.strip_suffix(", style = solid];"))
        .map(|line| line.replacen(" [label = \"", ": ", 1).replace('"', ""))
        .collect()
}

#[test]
fn access_edges_say_the_actions_scope() {
    let all = access(r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data*"}"#);
    assert_eq!(
        access_edges(&all),
        ["stuzio_role_consultant -> stuzio_bucket_data: s3:* (all)"]
    );
    let few = access(
        r#"{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}"#,
    );
    assert_eq!(
        access_edges(&few),
        ["stuzio_role_consultant -> stuzio_bucket_data: s3:GetObject, s3:ListBucket"]
    );
    // `s3:GetObject` on the bucket itself (not its objects) allows nothing: no edge.
    let none =
        access(r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data"}"#);
    assert!(access_edges(&none).is_empty(), "{none}");
}

#[test]
fn many_actions_are_counted_by_access_level() {
    let reads = access(
        r#"{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": ["arn:aws:s3:::data", "arn:aws:s3:::data/*"]}"#,
    );
    let edge = access_edges(&reads);
    assert_eq!(edge.len(), 1, "{reads}");
    assert!(
        edge[0].starts_with("stuzio_role_consultant -> stuzio_bucket_data: s3: ")
            && edge[0].ends_with(" actions (list, read)"),
        "{reads}"
    );
}

#[test]
fn actions_under_different_conditions_get_an_edge_each() {
    let drawn = access(
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}, {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}"#,
    );
    assert_eq!(
        access_edges(&drawn),
        [
            "stuzio_role_consultant -> stuzio_bucket_data: s3:GetObject",
            "stuzio_role_consultant -> stuzio_bucket_data: s3:PutObject if TLS",
        ]
    );
}

#[test]
fn a_permissions_boundary_narrows_the_access_drawn() {
    let mut fixture = Fixture::new(TRUST_ACME, "", "");
    let stuzio = fixture.stuzio;
    fixture.stack.add_bucket(stuzio, "data").expect("a bucket");
    let boundary = fixture
        .stack
        .add_policy(
            stuzio,
            "Boundary",
            document(r#"{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}"#),
        )
        .expect("a policy");
    fixture
        .stack
        .role_mut(fixture.consultant)
        .permissions_boundary = Some(boundary);
    fixture.inline(
        PrincipalRef::Role(fixture.consultant),
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
    );
    let drawn = fixture.file("diagram.dot");
    assert_eq!(
        access_edges(&drawn),
        ["stuzio_role_consultant -> stuzio_bucket_data: s3:ListBucket"],
        "{drawn}"
    );
}

#[test]
fn a_bucket_of_another_account_gets_no_access_edge() {
    // Without a bucket policy (the stack gives buckets none), Acme's Troy cannot reach Stuzio's bucket.
    let mut fixture = Fixture::new(
        TRUST_ACME,
        r#"{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}"#,
        "",
    );
    let stuzio = fixture.stuzio;
    fixture.stack.add_bucket(stuzio, "data").expect("a bucket");
    let drawn = fixture.file("diagram.dot");
    assert!(access_edges(&drawn).is_empty(), "{drawn}");
}

#[test]
fn the_svg_has_every_node_and_edge() {
    let mut fixture = Fixture::new(TRUST_ACME, TROY_ASSUMES, "");
    let stuzio = fixture.stuzio;
    fixture.stack.add_bucket(stuzio, "data").expect("a bucket");
    fixture.inline(
        PrincipalRef::Role(fixture.consultant),
        r#"{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}"#,
    );
    let svg = fixture.file("diagram.svg");
    assert!(svg.starts_with("<?xml"), "{svg}");
    assert!(svg.contains("@generated by iamgen"), "{svg}");
    for id in [
        "acme_account",
        "acme_user_troy",
        "acme_user_dana",
        "acme_group_staff",
        "stuzio_role_consultant",
        "stuzio_bucket_data",
    ] {
        assert!(svg.contains(&format!("data-id=\"{id}\"")), "{id}\n{svg}");
    }
    assert_eq!(svg.matches("class=\"edge ").count(), 4, "{svg}");
}

#[test]
fn a_diagram_too_large_to_draw_writes_no_svg_says_so_and_removes_the_old_one() {
    let dir = std::env::temp_dir().join(format!("iamgen-diagram-svg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut stack = Stack::new();
    let account = stack.add_account(AccountId::parse(ACME).expect("an id"), "Acme");
    stack.add_bucket(account, "bucket-0").expect("a bucket");
    let small = render(&stack, &[Target::Diagram]).expect("renders");
    assert!(small.file("diagram.svg").is_some());
    small.write_to(&dir).expect("written");
    for index in 1..=super::svg::MAX_ITEMS {
        stack
            .add_bucket(account, format!("bucket-{index}"))
            .expect("a bucket");
    }
    let rendered = render(&stack, &[Target::Diagram]).expect("renders");
    assert!(rendered.file("diagram.svg").is_none());
    assert!(rendered.file("diagram.dot").is_some());
    assert!(
        rendered
            .notes()
            .iter()
            .any(|note| note.starts_with("diagram.svg is not written")),
        "{:?}",
        rendered.notes()
    );
    // The picture of the earlier, smaller stack would be a lie now: it goes.
    let report = rendered.write_to(&dir).expect("written");
    assert_eq!(report.removed, [dir.join("diagram.svg")]);
    std::fs::remove_dir_all(&dir).expect("removed");
}

#[test]
fn self_edges_cycles_and_parallel_edges_are_laid_out() {
    // The role trusts itself and may assume itself; Troy and the role trust each other through two roles.
    let trust = format!(
        r#"{{"Effect": "Allow", "Principal": {{"AWS": ["{ROLE}", "arn:aws:iam::183438944504:user/Troy"]}}, "Action": "sts:AssumeRole"}}"#
    );
    let mut fixture = Fixture::new(&trust, TROY_ASSUMES, TROY_ASSUMES);
    fixture.inline(
        PrincipalRef::Role(fixture.consultant),
        &format!(
            r#"{TROY_ASSUMES}, {{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}}, {{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::data/*", "Condition": {{"Bool": {{"aws:SecureTransport": "true"}}}}}}"#
        ),
    );
    let stuzio = fixture.stuzio;
    fixture.stack.add_bucket(stuzio, "data").expect("a bucket");
    let dot = fixture.file("diagram.dot");
    assert!(
        dot.contains("stuzio_role_consultant -> stuzio_role_consultant [label = \"trusts\""),
        "{dot}"
    );
    let svg = fixture.file("diagram.svg");
    assert_eq!(
        svg.matches("class=\"edge ").count(),
        dot.matches(" -> ").count(),
        "{svg}"
    );
}

#[test]
fn a_principal_the_trust_names_with_less_to_bring_than_its_account_is_drawn_too() {
    // The account needs an external id; Dana, named on her own, needs nothing.
    let trust = r#"{"Effect": "Allow", "Principal": {"AWS": "183438944504"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "x"}}}, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::183438944504:user/Dana"}, "Action": "sts:AssumeRole"}"#;
    let drawn = diagram(trust, "", "");
    assert_eq!(
        edges(&drawn)[..2],
        [
            r#"stuzio_role_consultant -.->|"trusts if external id"| acme_account"#,
            r#"stuzio_role_consultant -.->|"trusts"| acme_user_dana"#,
        ],
        "{drawn}"
    );
}
