//! The global condition keys: the curated data file's invariants, pinned counts, and the lookups.

use std::collections::BTreeMap;

use iamgen_runtime::catalog::{
    ConditionKeyType, KeyFamily, catalog, global_condition_key, global_condition_keys,
    is_oidc_provider_key, suggest_global_condition_key,
};

const DATA: &str = include_str!("../../data/global-condition-keys.txt");

// Pinned so that a key dropped by an edit cannot land unnoticed; adding a documented key updates these.
const AWS: usize = 53;
const CROSS_SERVICE: usize = 9;
const SAML: usize = 32;
const WEB_IDENTITY: usize = 10;

/// The lines after the header comment, split into tab-separated fields.
fn records() -> impl Iterator<Item = (usize, Vec<&'static str>)> {
    DATA.lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#'))
        .map(|(n, line)| (n + 1, line.split('\t').collect()))
}

#[test]
fn header_names_the_sources_and_says_it_is_curated() {
    let header: String = DATA
        .lines()
        .take_while(|line| line.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(header.contains("not generated"));
    assert!(header.contains("reference_policies_condition-keys.html"));
    assert!(header.contains("reference_policies_iam-condition-keys.html"));
    assert!(header.contains("read 20"));
    // The header is one block at the top: no comment lines among the records.
    assert!(
        DATA.lines()
            .skip_while(|line| line.starts_with('#'))
            .all(|line| !line.starts_with('#'))
    );
}

#[test]
fn every_line_is_well_formed() {
    for (n, fields) in records() {
        assert!(
            fields.len() == 3 || fields.len() == 4,
            "line {n}: {fields:?}"
        );
        let name = fields[0];
        assert!(
            !name.is_empty() && name.contains(':') && !name.contains(char::is_whitespace),
            "line {n}: bad key {name:?}"
        );
        assert!(
            ConditionKeyType::from_source(fields[1]).is_some(),
            "line {n}: bad type {:?}",
            fields[1]
        );
        let family = fields[2];
        assert!(
            ["aws", "cross-service", "saml", "web-identity"].contains(&family),
            "line {n}: bad family {family:?}"
        );
        match family {
            "aws" => assert!(name.starts_with("aws:"), "line {n}"),
            "saml" => assert!(name.starts_with("saml:"), "line {n}"),
            _ => assert!(
                !name.starts_with("aws:") && !name.starts_with("saml:"),
                "line {n}"
            ),
        }
        if let Some(replacement) = fields.get(3) {
            let replacement = global_condition_key(replacement)
                .unwrap_or_else(|| panic!("line {n}: unknown replacement {replacement:?}"));
            assert_eq!(replacement.deprecated(), None, "line {n}");
        }
    }
}

#[test]
fn lines_are_sorted_and_unique_ignoring_case() {
    let names: Vec<String> = records()
        .map(|(_, fields)| fields[0].to_ascii_lowercase())
        .collect();
    for pair in names.windows(2) {
        assert!(
            pair[0] < pair[1],
            "{:?} must come before {:?}",
            pair[1],
            pair[0]
        );
    }
}

#[test]
fn counts_per_family_are_pinned() {
    let mut counts = BTreeMap::new();
    for key in global_condition_keys() {
        *counts.entry(key.family().as_str()).or_insert(0_usize) += 1;
    }
    assert_eq!(
        counts,
        BTreeMap::from([
            ("aws", AWS),
            ("cross-service", CROSS_SERVICE),
            ("saml", SAML),
            ("web-identity", WEB_IDENTITY),
        ])
    );
    // The index drops no line of the file.
    assert_eq!(global_condition_keys().count(), records().count());
}

#[test]
fn lookups_ignore_case_and_return_the_documented_spelling() {
    let key = global_condition_key("aws:sourceip").unwrap();
    assert_eq!(key.name(), "aws:SourceIp");
    assert_eq!(key.key_type(), ConditionKeyType::IpAddress);
    assert_eq!(key.family(), KeyFamily::Aws);
    assert!(!key.is_multivalued());
    assert_eq!(key.deprecated(), None);

    assert_eq!(
        global_condition_key("AWS:REFERER").map(|key| key.name()),
        Some("aws:referer")
    );
    assert_eq!(
        global_condition_key("ec2:sourceinstancearn").map(|key| key.family()),
        Some(KeyFamily::CrossService)
    );
}

#[test]
fn tag_keys_match_their_templates() {
    for (key, template) in [
        ("aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}"),
        ("aws:principaltag/Cost-Center", "aws:PrincipalTag/${TagKey}"),
        ("aws:RequestTag/a/b:c", "aws:RequestTag/${TagKey}"),
        ("aws:ResourceTag/env", "aws:ResourceTag/${TagKey}"),
    ] {
        let found = global_condition_key(key).unwrap_or_else(|| panic!("{key}"));
        assert_eq!(found.name(), template);
        assert_eq!(found.key_type(), ConditionKeyType::String);
        assert!(found.is_template() && found.matches(key));
    }
    assert_eq!(global_condition_key("aws:PrincipalTag/"), None);
    assert_eq!(global_condition_key("aws:PrincipalTag"), None);
}

#[test]
fn types_and_multivalued_keys_are_the_documented_ones() {
    let key = |name| global_condition_key(name).unwrap_or_else(|| panic!("{name}"));
    assert!(key("aws:TagKeys").is_multivalued());
    assert_eq!(
        key("aws:TagKeys").key_type(),
        ConditionKeyType::ArrayOfString
    );
    assert!(key("aws:PrincipalOrgPaths").is_multivalued());
    assert!(key("aws:CalledVia").is_multivalued());
    assert!(!key("aws:CalledViaFirst").is_multivalued());
    assert!(!key("aws:PrincipalOrgID").is_multivalued());
    assert_eq!(
        key("aws:MultiFactorAuthPresent").key_type(),
        ConditionKeyType::Bool
    );
    assert_eq!(key("aws:CurrentTime").key_type(), ConditionKeyType::Date);
    assert_eq!(
        key("aws:MultiFactorAuthAge").key_type(),
        ConditionKeyType::Numeric
    );
    assert_eq!(key("aws:PrincipalArn").key_type(), ConditionKeyType::Arn);
    assert_eq!(
        key("aws:VpcSourceIp").key_type(),
        ConditionKeyType::IpAddress
    );
    for name in [
        "aws:SourceOrgID",
        "aws:SourceOrgPaths",
        "aws:ResourceOrgID",
        "aws:ResourceOrgPaths",
        "aws:ResourceAccount",
        "aws:CalledViaLast",
        "aws:ViaAWSService",
        "aws:PrincipalIsAWSService",
        "aws:PrincipalServiceName",
        "aws:PrincipalServiceNamesList",
        "aws:Ec2InstanceSourceVpc",
        "aws:Ec2InstanceSourcePrivateIPv4",
        "aws:SourceIdentity",
        "aws:FederatedProvider",
        "aws:TokenIssueTime",
        "aws:EpochTime",
        "aws:RequestedRegion",
        "aws:userid",
        "aws:username",
        "aws:PrincipalType",
        "aws:UserAgent",
        "aws:SecureTransport",
        "aws:SourceArn",
        "aws:SourceAccount",
        "aws:SourceVpc",
        "aws:SourceVpce",
        "aws:IsMcpServiceAction",
    ] {
        assert_eq!(key(name).family(), KeyFamily::Aws, "{name}");
    }
}

#[test]
fn aws_arn_is_deprecated_for_aws_principal_arn() {
    let key = global_condition_key("aws:arn").unwrap();
    assert_eq!(key.name(), "aws:ARN");
    assert_eq!(key.deprecated(), Some("aws:PrincipalArn"));
    assert_eq!(
        global_condition_keys()
            .filter(|key| key.deprecated().is_some())
            .count(),
        1
    );
}

#[test]
fn federation_keys_are_known() {
    let saml = global_condition_key("saml:aud").unwrap();
    assert_eq!(saml.family(), KeyFamily::Saml);
    assert!(!saml.is_multivalued());
    assert!(
        global_condition_key("SAML:eduPersonAffiliation")
            .unwrap()
            .is_multivalued()
    );
    assert!(global_condition_key("saml:sub_type").is_some());
    assert!(global_condition_key("saml:namequalifier").is_some());

    let google = global_condition_key("accounts.google.com:oaud").unwrap();
    assert_eq!(google.family(), KeyFamily::WebIdentity);
    assert!(
        global_condition_key("cognito-identity.amazonaws.com:amr")
            .unwrap()
            .is_multivalued()
    );
    assert!(global_condition_key("www.amazon.com:user_id").is_some());
    assert!(global_condition_key("graph.facebook.com:app_id").is_some());
}

#[test]
fn sts_keys_stay_in_the_service_catalogue() {
    assert!(global_condition_keys().all(|key| !key.name().starts_with("sts:")));
    let sts = catalog().service("sts").unwrap();
    assert!(sts.condition_key("sts:ExternalId").is_some());
    assert_eq!(global_condition_key("sts:ExternalId"), None);
}

#[test]
fn every_saml_and_web_identity_key_is_one_sts_defines() {
    // The IAM User Guide and the Service Authorization Reference agree on the names, if not on every type.
    let sts = catalog().service("sts").unwrap();
    for key in global_condition_keys()
        .filter(|key| matches!(key.family(), KeyFamily::Saml | KeyFamily::WebIdentity))
    {
        let info = sts
            .condition_key(key.name())
            .unwrap_or_else(|| panic!("{} is not an sts key", key.name()));
        assert_eq!(info.name, key.name());
    }
}

#[test]
fn unknown_keys_are_unknown() {
    for key in [
        "aws:Banana",
        "aws:",
        "aws",
        "",
        ":",
        "aws:SourceIp ",
        "s3:prefix",
        "token.actions.githubusercontent.com:sub",
        "\u{fffd}:\u{0}",
    ] {
        assert_eq!(global_condition_key(key), None, "{key:?}");
    }
}

#[test]
fn misspellings_suggest_the_closest_aws_key() {
    assert_eq!(
        suggest_global_condition_key("aws:SourceIpp"),
        Some("aws:SourceIp")
    );
    assert_eq!(
        suggest_global_condition_key("aws:PrincipalOrgId"),
        Some("aws:PrincipalOrgID")
    );
    assert_eq!(
        suggest_global_condition_key("aws:MultiFactorAuthPresnt"),
        Some("aws:MultiFactorAuthPresent")
    );
    assert_eq!(
        suggest_global_condition_key("aws:PrincipleTag/team"),
        Some("aws:PrincipalTag/${TagKey}")
    );
    assert_eq!(
        suggest_global_condition_key("aws:ResourceTags/env"),
        Some("aws:ResourceTag/${TagKey}")
    );
    assert_eq!(
        suggest_global_condition_key("aes:SourceIp"),
        Some("aws:SourceIp")
    );
    assert_eq!(suggest_global_condition_key("aws:Banana"), None);
    assert_eq!(suggest_global_condition_key("aws:"), None);
    assert_eq!(suggest_global_condition_key(""), None);
    // Deprecated keys are not suggested.
    assert_ne!(suggest_global_condition_key("aws:ARM"), Some("aws:ARN"));
}

#[test]
fn oidc_provider_keys_are_recognised() {
    for key in [
        "token.actions.githubusercontent.com:sub",
        "token.actions.githubusercontent.com:aud",
        "TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB",
        "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud",
        "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub",
        "auth-dev.mozilla.auth0.com/:aud",
        "example.com:amr",
        "example.com:email",
        "example.com:oaud",
        // Provider-specific claims the service catalogue defines for that provider.
        "token.actions.githubusercontent.com:repository",
        "token.actions.githubusercontent.com:job_workflow_ref",
        "gitlab.com:project_id",
        "accounts.google.com:sub",
    ] {
        assert!(is_oidc_provider_key(key), "{key}");
    }
    for key in [
        "aws:SourceIp",
        "saml:sub",
        "sts:ExternalId",
        "localhost:sub",
        "example.com:",
        ":sub",
        "example.com:run_id",
        "gitlab.com:repository",
        "token.actions.githubusercontent.com:run_id",
        "exa mple.com:sub",
        "example..com:sub",
        "",
        "\u{fffd}.x:sub",
    ] {
        assert!(!is_oidc_provider_key(key), "{key}");
    }
}

#[test]
fn lookups_never_panic_on_odd_input() {
    let long = "a".repeat(100_000);
    for key in [
        long.as_str(),
        "aws:PrincipalTag/\u{0}",
        "aws:principaltag/\u{1F600}",
        "\u{1F600}:\u{1F600}",
        "${TagKey}",
        "aws:${TagKey}",
    ] {
        let _ = global_condition_key(key);
        let _ = suggest_global_condition_key(key);
        let _ = is_oidc_provider_key(key);
    }
    assert!(global_condition_key("aws:principaltag/\u{1F600}").is_some());
}
