// Each placeholder stands for a value of its position's shape: none of these is an error or a warning at
// compile time (each was, with one stand-in word for every position). What only the value can tell is checked
// when the document is built.
#![deny(warnings)]

use iamgen::Policy;

#[derive(Policy)]
#[statement(sid = "Read{env}", action = "dynamodb:GetItem", resource = "{table_arn}")]
struct ReadTable {
    env: String,
    table_arn: String,
}

#[derive(Policy)]
#[statement(action = "s3:{verb}", resource = "arn:aws:s3:::com.stuzio.projectx/*")]
struct OneVerb {
    verb: String,
}

#[derive(Policy)]
#[statement(action = "sts:AssumeRole", resource = "*",
    condition = { "NumericLessThan": { "aws:MultiFactorAuthAge": "{max_age}" } })]
struct RecentMfa {
    max_age: u32,
}

#[derive(Policy)]
#[statement(effect = Deny, action = "s3:*", resource = "*",
    condition = { "NotIpAddress": { "aws:SourceIp": "{office}" } })]
struct OfficeOnly {
    office: String,
}

fn main() {
    let table = ReadTable {
        env: "Prod".to_owned(),
        table_arn: "arn:aws:dynamodb:eu-west-1:081278057606:table/Reports".to_owned(),
    };
    assert!(table.to_json().unwrap().contains("\"ReadProd\""));
    let verb = OneVerb { verb: "GetObject".to_owned() };
    assert!(verb.to_json().unwrap().contains("\"s3:GetObject\""));
    let mfa = RecentMfa { max_age: 3600 };
    assert!(mfa.to_json().unwrap().contains("\"3600\""));
    let office = OfficeOnly { office: "203.0.113.0/24".to_owned() };
    assert!(office.to_json().unwrap().contains("203.0.113.0/24"));
}
