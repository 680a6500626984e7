//! The access matrix decides each cell as `simulate_in` would: compared, cell for cell, with the matrix built
//! the naive way (a whole simulation per cell, as before the matrix was indexed), on a stack of many users and
//! roles whose trust policies name users, roles, accounts, everyone, or everyone but one.

use iamgen_runtime::AccountId;
use iamgen_runtime::eval::chain::{
    Access, Organization, Request, access_matrix, access_matrix_in, simulate_in,
};
use iamgen_runtime::eval::{Context, Decision};
use iamgen_runtime::stack::{InlinePolicy, Stack};

use crate::support::document;

/// The matrix as it was built before (commit 8edfd1d): every principal, directly and through every other role
/// by name, every bucket and its objects, every action, each cell a whole `simulate_in`.
fn naive(stack: &Stack, organization: &Organization, context: &Context) -> Vec<Access> {
    let actions: Vec<String> = {
        let probe = access_matrix_in(stack, organization, context);
        let mut actions: Vec<String> = probe.iter().map(|cell| cell.action.clone()).collect();
        actions.sort();
        actions.dedup();
        actions
    };
    let object_action = |action: &str| {
        iamgen_runtime::catalog::catalog()
            .action(action)
            .is_some_and(|found| found.resource_types().any(|kind| kind.name() == "object"))
    };
    let mut cells = Vec::new();
    let principals: Vec<(String, String, Option<usize>)> = stack
        .users()
        .map(|(user, u)| (u.name.clone(), stack.user_arn(user), None))
        .chain(
            stack
                .roles()
                .enumerate()
                .map(|(index, (role, r))| (r.name.clone(), stack.role_arn(role), Some(index))),
        )
        .collect();
    for (name, arn, own) in &principals {
        let routes = std::iter::once(None).chain(
            stack
                .roles()
                .enumerate()
                .filter(|(index, _)| Some(*index) != *own)
                .map(|(_, (_, r))| Some(r.name.clone())),
        );
        for route in routes {
            for (_, bucket) in stack.buckets() {
                for (resource, is_bucket) in [
                    (format!("arn:aws:s3:::{}", bucket.name), true),
                    (format!("arn:aws:s3:::{}/*", bucket.name), false),
                ] {
                    for action in &actions {
                        if object_action(action) == is_bucket {
                            continue;
                        }
                        let target = resource.replace("/*", "/example-object");
                        let simulation = simulate_in(
                            stack,
                            organization,
                            &Request {
                                principal: arn,
                                action,
                                resource: &target,
                                via_role: route.as_deref(),
                                context: context.clone(),
                            },
                        )
                        .expect("the stack's own principals and roles");
                        if route.is_some() && simulation.steps.len() < 2 {
                            continue;
                        }
                        cells.push(Access {
                            principal: name.clone(),
                            via_role: route.clone(),
                            action: action.clone(),
                            resource: resource.clone(),
                            decision: simulation.decision,
                        });
                    }
                }
            }
        }
    }
    cells
}

fn account(stack: &mut Stack, id: &str, name: &str) -> iamgen_runtime::stack::AccountRef {
    stack.add_account(AccountId::parse(id).expect("twelve digits"), name)
}

/// Three accounts; users in groups; roles whose trust names a user, a role, an account, everyone with an
/// external id, everyone but one user, and a role that trusts nobody of the stack; a permissions boundary; an
/// inline deny; buckets in two accounts; an SCP and an RCP.
fn stack() -> (Stack, Organization) {
    let mut stack = Stack::new();
    let people = account(&mut stack, "111111111111", "People");
    let work = account(&mut stack, "222222222222", "Work");
    let tools = account(&mut stack, "333333333333", "Tools");
    stack.add_bucket(work, "work-data").expect("a valid name");
    stack
        .add_bucket(tools, "tools-artifacts")
        .expect("a valid name");
    let readers = stack.add_group(people, "Readers").expect("a valid name");
    let list = stack.add_policy(
        people,
        "ListEverything",
        document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"], "Resource": "*"}]}"#),
    ).expect("a valid name");
    stack.attach(readers, list);
    let assume_any = stack.add_policy(
        people,
        "AssumeAny",
        document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}"#),
    ).expect("a valid name");
    let mut users = Vec::new();
    for index in 0..12 {
        let user = stack
            .add_user(people, format!("Person{index}"))
            .expect("a valid name");
        if index % 2 == 0 {
            stack.add_to_group(user, readers);
        }
        if index % 3 != 2 {
            stack.attach(user, assume_any);
        }
        if index == 5 {
            stack.add_inline(
                user,
                InlinePolicy {
                    name: "NoWrites".to_owned(),
                    document: document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}"#),
                },
            ).expect("a valid name");
        }
        users.push(user);
    }
    let write_work = stack.add_policy(
        work,
        "WriteWork",
        document(r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::work-data"},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::work-data/*"},
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::333333333333:role/*"}]}"#),
    ).expect("a valid name");
    let read_only = stack.add_policy(
        work,
        "ReadOnlyBoundary",
        document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:List*", "sts:AssumeRole"], "Resource": "*"}]}"#),
    ).expect("a valid name");
    let tools_access = stack.add_policy(
        tools,
        "ToolsAccess",
        document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::tools-artifacts", "arn:aws:s3:::tools-artifacts/*"]}]}"#),
    ).expect("a valid name");
    let trusts = [
        // One user by ARN, with MFA.
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:user/Person1"}, "Action": "sts:AssumeRole", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}"#,
        // The people account.
        r#"{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}"#,
        // Everyone, with an external id.
        r#"{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": "shared"}}}"#,
        // Everyone but Person3.
        r#"{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111111111111:user/Person3"}, "Action": "sts:AssumeRole"}"#,
        // A role of the work account.
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::222222222222:role/Work1"}, "Action": "sts:AssumeRole"}"#,
        // A service only.
        r#"{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}"#,
        // The people account, and a deny for Person4.
        r#"{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "sts:AssumeRole"},
           {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111111111111:user/Person4"}, "Action": "sts:AssumeRole"}"#,
    ];
    for index in 0..14 {
        let in_tools = index % 4 == 3;
        let trust = document(&format!(
            r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
            trusts[index % trusts.len()]
        ));
        if in_tools {
            let role = stack
                .add_role(tools, format!("Tools{index}"), trust)
                .expect("a valid name");
            stack.attach(role, tools_access);
        } else {
            let role = stack
                .add_role(work, format!("Work{index}"), trust)
                .expect("a valid name");
            stack.attach(role, write_work);
            if index % 5 == 0 {
                stack.role_mut(role).permissions_boundary = Some(read_only);
            }
        }
    }
    let mut organization = Organization::new();
    organization.add_scp_level(
        "222222222222",
        vec![(
            "NoDelete".to_owned(),
            document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]}"#),
        )],
    );
    organization.add_rcp_level(
        "333333333333",
        vec![(
            "OrgOnly".to_owned(),
            document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["222222222222", "333333333333"]}}}]}"#),
        )],
    );
    (stack, organization)
}

#[test]
fn the_matrix_decides_every_cell_as_a_whole_simulation_does() {
    let (stack, organization) = stack();
    for context in [
        Context::new(),
        Context::new().with("aws:MultiFactorAuthPresent", "true"),
        Context::new()
            .with("sts:ExternalId", "shared")
            .with("aws:MultiFactorAuthPresent", "true"),
    ] {
        for organization in [&Organization::new(), &organization] {
            let matrix = access_matrix_in(&stack, organization, &context);
            let expected = naive(&stack, organization, &context);
            assert!(
                matrix
                    .iter()
                    .any(|cell| cell.via_role.is_some() && cell.decision == Decision::Allowed),
                "some route should be open"
            );
            assert!(
                matrix
                    .iter()
                    .any(|cell| cell.decision == Decision::ExplicitDeny)
            );
            assert_eq!(matrix.len(), expected.len(), "{context:?}");
            for (cell, expected) in matrix.iter().zip(&expected) {
                assert_eq!(cell, expected, "{context:?}");
            }
        }
    }
}

#[test]
fn the_reference_scenarios_matrix_is_unchanged() {
    let stack = Stack::reference_scenario();
    let context = Context::new();
    assert_eq!(
        access_matrix(&stack, &context),
        naive(&stack, &Organization::new(), &context)
    );
}

#[test]
fn roles_of_the_same_name_in_two_accounts_are_each_a_route() {
    let mut stack = Stack::new();
    let people = account(&mut stack, "111111111111", "People");
    let a = account(&mut stack, "222222222222", "A");
    let b = account(&mut stack, "333333333333", "B");
    stack.add_bucket(a, "bucket-a").expect("a valid name");
    stack.add_bucket(b, "bucket-b").expect("a valid name");
    let assume = stack.add_policy(
        people,
        "AssumeAny",
        document(r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}"#),
    ).expect("a valid name");
    for (name, account, bucket, id) in [
        ("Ann", a, "bucket-a", "222222222222"),
        ("Bob", b, "bucket-b", "333333333333"),
    ] {
        let user = stack.add_user(people, name).expect("a valid name");
        stack.attach(user, assume);
        let role = stack.add_role(
            account,
            "Deploy",
            document(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": {{"AWS": "arn:aws:iam::111111111111:user/{name}"}}, "Action": "sts:AssumeRole"}}]}}"#
            )),
        ).expect("a valid name");
        let policy = stack.add_policy(
            account,
            format!("Deploy{id}"),
            document(&format!(
                r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{bucket}/*"}}]}}"#
            )),
        ).expect("a valid name");
        stack.attach(role, policy);
    }
    let matrix = access_matrix(&stack, &Context::new());
    for (user, bucket) in [("Ann", "bucket-a"), ("Bob", "bucket-b")] {
        let reads = matrix.iter().find(|cell| {
            cell.principal == user
                && cell.via_role.as_deref() == Some("Deploy")
                && cell.action == "s3:GetObject"
                && cell.resource == format!("arn:aws:s3:::{bucket}/*")
        });
        assert_eq!(
            reads.map(|cell| cell.decision),
            Some(Decision::Allowed),
            "{user} reads {bucket} through its own account's Deploy role"
        );
    }
}
