//! Every service handle of a user-scoped client, and the builders and requests made from them,
//! print without the project key or the user's token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use supabase_test_support::fixtures::SERVICE_ROLE_KEY;
use supabase_test_support::mint_user_jwt;

fn assert_clean(what: &str, text: String, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "{what} shows a secret: {text}");
    }
}

#[tokio::test]
async fn handles_print_without_key_or_token() {
    let jwt = mint_user_jwt("u1", None);
    let client = supabase::create_client("https://xyzcompany.supabase.co", SERVICE_ROLE_KEY)
        .unwrap()
        .with_auth(&jwt)
        .unwrap();
    let secrets = [SERVICE_ROLE_KEY, jwt.as_str()];
    assert_clean("Client", format!("{client:?} {client:#?}"), &secrets);
    let storage = client.storage();
    assert_clean("StorageClient", format!("{storage:?}"), &secrets);
    assert_clean(
        "FileApi",
        format!("{:?}", storage.from("avatars")),
        &secrets,
    );
    let functions = client.functions();
    assert_clean("FunctionsClient", format!("{functions:?}"), &secrets);
    assert_clean("Invoke", format!("{:?}", functions.invoke("f")), &secrets);
    let realtime = client.realtime();
    assert_clean("RealtimeClient", format!("{realtime:?}"), &secrets);
    let channel = client.channel("room").unwrap();
    assert_clean("ChannelBuilder", format!("{channel:?}"), &secrets);
    assert_clean(
        "PostgrestClient",
        format!("{:?}", client.postgrest()),
        &secrets,
    );
    let request = client.from("t").select("*").to_request().unwrap();
    assert_clean("Request", format!("{request:?}"), &secrets);
    assert_clean(
        "AuthClient",
        format!("{:?}", client.auth().unwrap()),
        &secrets,
    );
}
