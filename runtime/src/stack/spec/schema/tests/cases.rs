//! The specs the schema is held to: structural mistakes the reader refuses, what only the whole spec shows, and
//! values on both sides of each rule the schema states.

use super::super::super::scenario_accounts;

const DOCUMENT: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}}"#;
const TRUST: &str = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}"#;

/// Two accounts and a policy, which the cases add to.
pub(super) fn base() -> String {
    format!(
        "{}\n[[policy]]\nname = \"Read\"\naccount = \"Stuzio\"\ndocument = '''{DOCUMENT}'''\n",
        scenario_accounts!()
    )
}

/// The base with the pattern, whose one trusted account (Acme) has `trusted` as its body.
fn pattern(trusted: &str) -> String {
    format!(
        "{}\n[cross_account]\ntrusting = \"Stuzio\"\npermissions = [\"Read\"]\n\n[cross_account.role]\n\
         name = \"Audit\"\n\n[[cross_account.trusted]]\naccount = \"Acme\"\n{trusted}\n",
        base()
    )
}

const USERS: &str = "users = [\"Troy\"]\nassume_policy = \"AssumeAudit\"";

/// The base with a role of Stuzio, `body` added to its table.
fn role(body: &str) -> String {
    format!(
        "{}\n[[role]]\nname = \"Worker\"\naccount = \"Stuzio\"\ntrust = '''{TRUST}'''\n{body}\n",
        base()
    )
}

/// Specs the reader refuses for their structure, each with the code it gives: the schema refuses them too.
#[allow(clippy::too_many_lines, reason = "a table of cases")]
pub(super) fn structural_mistakes() -> Vec<(&'static str, String, &'static str)> {
    let acme = scenario_accounts!();
    vec![
        (
            "an unknown top-level key",
            format!("acount = []\n{}", base()),
            "UNKNOWN_KEY",
        ),
        (
            "an unknown account key",
            base().replace(
                "id = \"183438944504\"",
                "id = \"183438944504\"\nnmae = \"x\"",
            ),
            "UNKNOWN_KEY",
        ),
        (
            "an unknown pattern role key",
            pattern(USERS).replace("name = \"Audit\"", "name = \"Audit\"\nmax_session = 3600"),
            "UNKNOWN_KEY",
        ),
        (
            "an unknown trusted key",
            pattern(&format!("{USERS}\nuser = [\"Dana\"]")),
            "UNKNOWN_KEY",
        ),
        (
            "an unknown inline key",
            role("[[role.inline]]\nname = \"I\"\ndocument = '{}'\nfiles = \"x.json\""),
            "UNKNOWN_KEY",
        ),
        (
            "`[account]` for `[[account]]`",
            "[account]\nname = \"Stuzio\"\nid = \"081278057606\"\n".to_owned(),
            "INVALID_TYPE",
        ),
        (
            "an integer account id",
            acme.replace("\"183438944504\"", "183438944504"),
            "INVALID_ACCOUNT_ID",
        ),
        (
            "an account id of 11 digits",
            acme.replace("\"183438944504\"", "\"18343894450\""),
            "INVALID_ACCOUNT_ID",
        ),
        (
            "a boolean account id",
            acme.replace("\"183438944504\"", "true"),
            "INVALID_ACCOUNT_ID",
        ),
        (
            "an integer name",
            base().replace("name = \"Read\"", "name = 7"),
            "INVALID_TYPE",
        ),
        (
            "a string for a list",
            role("attach = \"Read\""),
            "INVALID_TYPE",
        ),
        (
            "a string for a boolean",
            pattern(USERS).replace("permissions = [\"Read\"]", "require_mfa = \"yes\""),
            "INVALID_TYPE",
        ),
        (
            "a string for a duration",
            role("max_session_duration = \"3600\""),
            "INVALID_TYPE",
        ),
        (
            "an integer tag value",
            role("tags = { project = 1 }"),
            "INVALID_TYPE",
        ),
        (
            "a list for tags",
            role("tags = [\"project\"]"),
            "INVALID_TYPE",
        ),
        (
            "an account without id",
            acme.replace("id = \"183438944504\"\n", ""),
            "MISSING_KEY",
        ),
        (
            "a policy without account",
            base().replace("account = \"Stuzio\"\ndocument", "document"),
            "MISSING_KEY",
        ),
        (
            "the pattern without its role",
            pattern(USERS).replace("[cross_account.role]\nname = \"Audit\"", ""),
            "MISSING_KEY",
        ),
        (
            "the pattern without trusting",
            pattern(USERS).replace("trusting = \"Stuzio\"\n", ""),
            "MISSING_KEY",
        ),
        (
            "the pattern trusting no account",
            format!(
                "{}\n[cross_account]\ntrusting = \"Stuzio\"\nrole.name = \"Audit\"\n",
                base()
            ),
            "NO_TRUSTED_ACCOUNT",
        ),
        (
            "a policy without document",
            base().replace(&format!("document = '''{DOCUMENT}'''"), ""),
            "MISSING_KEY",
        ),
        (
            "a policy with document and file",
            base().replace(
                "account = \"Stuzio\"\ndocument",
                "account = \"Stuzio\"\nfile = \"x.json\"\ndocument",
            ),
            "CONFLICTING_KEYS",
        ),
        (
            "a role without trust",
            role("").replace(&format!("trust = '''{TRUST}'''"), ""),
            "MISSING_KEY",
        ),
        (
            "a role with trust and trust_file",
            role("trust_file = \"t.json\""),
            "CONFLICTING_KEYS",
        ),
        (
            "a trusted account naming nobody",
            pattern("assume_policy = \"AssumeAudit\""),
            "MISSING_KEY",
        ),
        (
            "users and a group",
            pattern(&format!("{USERS}\ngroup = \"G\"")),
            "CONFLICTING_KEYS",
        ),
        (
            "users and the whole account",
            pattern(&format!("{USERS}\nwhole_account = true")),
            "CONFLICTING_KEYS",
        ),
        (
            "members without a group",
            pattern(&format!("{USERS}\nmembers = [\"Dana\"]")),
            "CONFLICTING_KEYS",
        ),
        (
            "an assume policy for the whole account",
            pattern("whole_account = true\nassume_policy = \"A\""),
            "CONFLICTING_KEYS",
        ),
        (
            "an assume sid for the whole account",
            pattern("whole_account = true\nassume_sid = \"A\""),
            "CONFLICTING_KEYS",
        ),
        (
            "existing users for the whole account",
            pattern("whole_account = true\nexisting_users = true"),
            "CONFLICTING_KEYS",
        ),
        (
            "users without an assume policy",
            pattern("users = [\"Troy\"]"),
            "MISSING_KEY",
        ),
        (
            "an empty list of users",
            pattern("users = []\nassume_policy = \"AssumeAudit\""),
            "MISSING_KEY",
        ),
        (
            "a policy attached twice",
            role("attach = [\"Read\", \"Read\"]"),
            "DUPLICATE_NAME",
        ),
        (
            "a trusted user listed twice",
            pattern("users = [\"Troy\", \"Troy\"]\nassume_policy = \"A\""),
            "DUPLICATE_NAME",
        ),
        (
            "a kind left unmanaged twice",
            role("unmanaged = [\"tags\", \"tags\"]"),
            "DUPLICATE_NAME",
        ),
        (
            "an unknown unmanaged kind",
            role("unmanaged = [\"tag\"]"),
            "INVALID_UNMANAGED",
        ),
        (
            "a user leaving tags unmanaged",
            format!(
                "{}\n[[user]]\nname = \"U\"\naccount = \"Stuzio\"\nunmanaged = [\"tags\"]\n",
                base()
            ),
            "INVALID_UNMANAGED",
        ),
        (
            "an unknown lint code",
            format!("allow = [\"MISSING_VERSON\"]\n{}", base()),
            "SPEC_ERROR",
        ), // misspelt on purpose
        (
            "a lint code AWS refuses",
            format!("allow = [\"INVALID_ACTION\"]\n{}", base()),
            "SPEC_ERROR",
        ),
    ]
}

/// Specs the reader refuses for what no schema of one value can see, with the code it gives: the schema takes
/// them, and docs/spec.md says they are `iamgen check`'s to find.
#[allow(clippy::too_many_lines, reason = "a table of cases")]
pub(super) fn beyond_the_schema() -> Vec<(&'static str, String, &'static str)> {
    vec![
        (
            "an account that is not declared",
            role("").replace("account = \"Stuzio\"\ntrust", "account = \"Stuzo\"\ntrust"),
            "UNKNOWN_ACCOUNT",
        ),
        (
            "a policy that is not declared",
            role("attach = [\"Write\"]"),
            "UNKNOWN_POLICY",
        ),
        (
            "a group that is not declared",
            format!(
                "{}\n[[user]]\nname = \"U\"\naccount = \"Stuzio\"\ngroups = [\"G\"]\n",
                base()
            ),
            "UNKNOWN_GROUP",
        ),
        (
            "a role declared twice, in another case",
            format!(
                "{}[[role]]\nname = \"worker\"\naccount = \"Stuzio\"\ntrust = '''{TRUST}'''\n",
                role("")
            ),
            "DUPLICATE_NAME",
        ),
        (
            "an account id given twice",
            base().replace("\"183438944504\"", "\"081278057606\""),
            "DUPLICATE_ACCOUNT",
        ),
        (
            "a blank account name",
            base().replace("name = \"Acme\"", "name = \" \""),
            "INVALID_NAME",
        ),
        (
            "the trusting account trusted",
            pattern(USERS).replace("account = \"Acme\"\nusers", "account = \"Stuzio\"\nusers"),
            "SAME_ACCOUNT",
        ),
        (
            "narrowing to a whole account",
            pattern("whole_account = true")
                .replace("permissions = [\"Read\"]", "narrow_to_principals = true"),
            "NOTHING_TO_NARROW_TO",
        ),
        (
            "a boundary that is also a permission",
            pattern(USERS).replace(
                "name = \"Audit\"",
                "name = \"Audit\"\npermissions_boundary = \"Read\"",
            ),
            "CONFLICTING_KEYS",
        ),
        (
            "a document that is not a policy",
            base().replace("\"Effect\": \"Allow\"", "\"Effect\": \"Permit\""),
            "INVALID_EFFECT",
        ),
        (
            "a policy file that is not there",
            base().replace(
                &format!("document = '''{DOCUMENT}'''"),
                "file = \"nowhere.json\"",
            ),
            "UNREADABLE_FILE",
        ),
        (
            "tag keys that differ in case",
            role("tags = { Project = \"x\", project = \"y\" }"),
            "DUPLICATE_KEY",
        ),
        (
            "an inline policy name given twice",
            role(&format!(
                "[[role.inline]]\nname = \"I\"\ndocument = '''{DOCUMENT}'''\n[[role.inline]]\nname = \"i\"\ndocument = '''{DOCUMENT}'''"
            )),
            "DUPLICATE_NAME",
        ),
    ]
}

/// A rule the schema states, and values on both sides of it: `template` is a spec with `{}` where each value,
/// a TOML literal, goes.
pub(super) struct Rule {
    pub(super) name: &'static str,
    pub(super) template: String,
    pub(super) values: Vec<String>,
}

impl Rule {
    fn new(name: &'static str, template: String, values: Vec<String>) -> Self {
        Rule {
            name,
            template,
            values,
        }
    }

    /// Each value, and its spec.
    pub(super) fn specs(&self) -> impl Iterator<Item = (&str, String)> {
        self.values
            .iter()
            .map(|value| (value.as_str(), self.template.replace("{}", value)))
    }
}

/// TOML basic strings of `values`.
fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| literal(value)).collect()
}

/// TOML basic strings of `piece` repeated each of `counts` times.
fn repeated(piece: &str, counts: &[usize]) -> Vec<String> {
    counts
        .iter()
        .map(|count| literal(&piece.repeat(*count)))
        .collect()
}

/// A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
fn literal(value: &str) -> String {
    serde_json::to_string(value)
        .expect("a string is JSON")
        .replace('\u{7f}', "\\u007F")
}

/// Every rule the schema states that one value shows, with values on both sides of it.
pub(super) fn rules() -> Vec<Rule> {
    let mut rules = name_rules();
    rules.extend(text_rules());
    rules.extend(tag_rules());
    rules.extend(bucket_rules());
    rules.extend(other_rules());
    rules
}

fn name_rules() -> Vec<Rule> {
    let mut names = strings(&["R", "A_+=,.@-1", "", "bad name", "a/b", "Zoë", "a:b", "a#b"]);
    names.extend(repeated("r", &[64, 65]));
    let mut long_names = strings(&["G", "", "a b"]);
    long_names.extend(repeated("g", &[64, 65, 128, 129]));
    let users = strings(&["Troy", "", "Troy Smith", "Zoë"]);
    vec![
        Rule::new("role name", role("").replace("\"Worker\"", "{}"), names),
        Rule::new(
            "group name",
            format!("{}\n[[group]]\nname = {{}}\naccount = \"Stuzio\"\n", base()),
            long_names.clone(),
        ),
        Rule::new("policy name", base().replace("\"Read\"", "{}"), long_names),
        Rule::new(
            "trusted user",
            pattern("users = [{}]\nassume_policy = \"AssumeAudit\""),
            users.clone(),
        ),
        Rule::new(
            "group member",
            pattern("group = \"G\"\nmembers = [{}]\nassume_policy = \"AssumeAudit\""),
            users,
        ),
    ]
}

fn text_rules() -> Vec<Rule> {
    let mut paths = strings(&[
        "/", "//", "///", "/a/", "/a", "a/", "/a b/", "/ä/", "/${x}/", "/*/",
    ]);
    paths.extend([
        literal(&format!("/{}/", "p".repeat(510))),
        literal(&format!("/{}/", "p".repeat(511))),
    ]);
    let mut policy_paths = paths.clone();
    policy_paths.extend(strings(&["/a//b/", "/a.b,c+d@e=f_g-h/"]));
    let mut descriptions = strings(&[
        "",
        "tab\there\r\n",
        "Grüße ¡ÿ",
        "emoji 😀",
        "✓",
        "\u{a0}",
        "\u{7f}",
    ]);
    descriptions.extend(repeated("d", &[1000, 1001]));
    let mut policy_descriptions = descriptions.clone();
    policy_descriptions.extend(repeated("😀", &[1000, 1001]));
    let mut external_ids = strings(&["a", "ab", "a:b/c=d", "a b", "ä1", ""]);
    external_ids.extend(repeated("e", &[1224, 1225]));
    let mut stacks = strings(&["payments", "", "a#b", "Größe 1", "a,b", "${x}"]);
    stacks.extend(repeated("s", &[256, 257]));
    let policy_key = |key: &str| {
        base().replace(
            "account = \"Stuzio\"\ndocument",
            &format!("account = \"Stuzio\"\n{key} = {{}}\ndocument"),
        )
    };
    vec![
        Rule::new("path", role("path = {}"), paths),
        Rule::new("policy path", policy_key("path"), policy_paths),
        Rule::new("role description", role("description = {}"), descriptions),
        Rule::new(
            "policy description",
            policy_key("description"),
            policy_descriptions,
        ),
        Rule::new(
            "external id",
            pattern(USERS).replace("permissions = [\"Read\"]", "external_id = {}"),
            external_ids,
        ),
        Rule::new(
            "assume sid",
            pattern(&format!("{USERS}\nassume_sid = {{}}")),
            strings(&["Sid1", "", "Sid-1", "Sïd", "S d"]),
        ),
        Rule::new("stack name", format!("stack = {{}}\n{}", base()), stacks),
    ]
}

fn tag_rules() -> Vec<Rule> {
    let mut keys = strings(&[
        "Project",
        "aws:x",
        "AWS:x",
        "aWs:x",
        "awsx",
        "Größe",
        "cost#center",
        "",
        "a b",
        "a\"b",
        "😀",
    ]);
    keys.extend(repeated("k", &[128, 129]));
    let mut values = strings(&[
        "",
        "${var}",
        "a\"b",
        "x\ny",
        "😀",
        "Größe 2.0 / a:b=c+d@e-f_g",
    ]);
    values.extend(repeated("v", &[256, 257]));
    let tags = |count: usize| {
        let tags: Vec<String> = (0..count).map(|i| format!("k{i} = \"v\"")).collect();
        format!("{{ {} }}", tags.join(", "))
    };
    vec![
        Rule::new("tag key", role("tags = { {} = \"v\" }"), keys),
        Rule::new("tag value", role("tags = { project = {} }"), values),
        Rule::new("tag count", role("tags = {}"), vec![tags(50), tags(51)]),
    ]
}

fn bucket_rules() -> Vec<Rule> {
    let mut buckets = strings(&[
        "abc",
        "ab",
        "a.b-c",
        "Abc",
        "a_b",
        "-ab",
        "ab-",
        "a..b",
        "a.-b",
        "192.168.1.1",
        "192.168.01.1",
        "256.1.1.1",
        "1.2.3",
        "xn--abc",
        "sthree-x",
        "sthree-configurator",
        "amzn-s3-demo-x",
        "x-s3alias",
        "x--ol-s3",
        "x.mrap",
        "x--x-s3",
        "x--table-s3",
        "s3alias",
        "my-xn--bucket",
    ]);
    buckets.extend(repeated("b", &[63, 64]));
    vec![
        Rule::new(
            "bucket name",
            format!(
                "{}\n[[bucket]]\nname = {{}}\naccount = \"Stuzio\"\n",
                base()
            ),
            buckets.clone(),
        ),
        Rule::new(
            "pattern bucket",
            pattern(USERS).replace("permissions = [\"Read\"]", "buckets = [{}]"),
            buckets,
        ),
    ]
}

fn other_rules() -> Vec<Rule> {
    let ids = strings(&[
        "183438944504",
        "12345678901",
        "1234567890123",
        "1234-5678-901",
        "08127805760a",
        "",
    ]);
    let codes = strings(&[
        "MISSING_VERSION",
        "TRUST_ACCOUNT_WITHOUT_CONDITION",
        "INVALID_ACTION",
        "missing_version",
        "",
    ]);
    let seconds = ["3599", "3600", "43200", "43201", "-1", "0"];
    vec![
        Rule::new(
            "account id",
            scenario_accounts!().replace("\"183438944504\"", "{}"),
            ids,
        ),
        Rule::new("allowed code", format!("allow = [{{}}]\n{}", base()), codes),
        Rule::new(
            "session duration",
            role("max_session_duration = {}"),
            seconds.map(str::to_owned).to_vec(),
        ),
    ]
}
