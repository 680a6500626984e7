//! The reference scenario, built from typed parts: every ARN comes from the item it names.

use super::Stack;
use crate::policy::{
    AccountId, Action, ActionElement, Effect, OneOrMany, PolicyDocument, Principal,
    PrincipalElement, PrincipalKind, Resource, ResourceElement, Statement, Version,
};

fn statement(
    sid: Option<&str>,
    actions: OneOrMany<Action>,
    resources: Option<OneOrMany<Resource>>,
) -> Statement {
    Statement {
        sid: sid.map(str::to_owned),
        effect: Effect::Allow,
        principal: None,
        action: ActionElement::Action(actions),
        resource: resources.map(ResourceElement::Resource),
        condition: None,
    }
}

fn document(statements: Vec<Statement>) -> PolicyDocument {
    PolicyDocument {
        version: Some(Version::V2012_10_17),
        id: None,
        statement: OneOrMany::Many(statements),
    }
}

fn account(id: &str) -> AccountId {
    // The scenario's ids are twelve digits; the parse cannot fail, and a test pins the ids.
    AccountId::parse(id).unwrap_or_else(|_| unreachable!("the scenario's account ids are valid"))
}

pub(super) fn build() -> Stack {
    let mut stack = Stack::new();
    let stuzio = stack.add_account(account("081278057606"), "Stuzio");
    let acme = stack.add_account(account("183438944504"), "Acme");

    let bucket = stack.add_bucket(stuzio, "com.stuzio.projectx");
    let bucket_name = stack.bucket(bucket).name.clone();
    let project_x = stack.add_policy(
        stuzio,
        "StuzioProjectXPolicy",
        document(vec![
            statement(
                Some("FullAccessToProjectX"),
                OneOrMany::One(Action::new("s3:*")),
                Some(OneOrMany::Many(vec![
                    Resource::new(format!("arn:aws:s3:::{bucket_name}")),
                    Resource::new(format!("arn:aws:s3:::{bucket_name}/*")),
                ])),
            ),
            statement(
                Some("ListAllBuckets"),
                OneOrMany::One(Action::new("s3:ListAllMyBuckets")),
                Some(OneOrMany::One(Resource::new("*"))),
            ),
        ]),
    );

    let trust = document(vec![Statement {
        principal: Some(PrincipalElement::Principal(Principal::single(
            PrincipalKind::Aws,
            stack.account(acme).id.root_arn("aws"),
        ))),
        ..statement(None, OneOrMany::One(Action::new("sts:AssumeRole")), None)
    }]);
    let role = stack.add_role(stuzio, "StuzioAcmeConsultantRole", trust);
    stack.attach(role, project_x);

    let role_arn = stack.role_arn(role);
    let assume = stack.add_policy(
        acme,
        "AcmeClientAssumeRolePolicy",
        document(vec![statement(
            Some("StuzioClientAssumeRolePolicy"),
            OneOrMany::One(Action::new("sts:AssumeRole")),
            Some(OneOrMany::One(Resource::new(role_arn))),
        )]),
    );
    let troy = stack.add_user(acme, "Troy");
    stack.attach(troy, assume);
    stack
}
