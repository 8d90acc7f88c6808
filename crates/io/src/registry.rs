//! From what a user writes to a store and a key: the scheme picks the backend,
//! the bucket or host names the store, built once per process and shared.
//!
//! | written | store |
//! |---|---|
//! | `path/to/file`, `/abs/path`, `file:///abs/path` | the local file system |
//! | `s3://bucket/key` (`s3a://`) | S3 or an S3-compatible server |
//! | `gs://bucket/key` | Google Cloud Storage |
//! | `az://container/key`, `abfs[s]://container@account.dfs.core.windows.net/key` | Azure |
//! | `http[s]://host/path` | a web server, read-only |
//! | `memory://name/key` | a store in this process's memory (tests) |
//!
//! S3 credentials, region and endpoint come from the standard AWS environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
//! `AWS_REGION`, `AWS_ENDPOINT_URL`…), then from the shared config and
//! credentials files (`~/.aws/config`, `~/.aws/credentials`, profile
//! `AWS_PROFILE`), then from the instance or container role. GCS and Azure use
//! their own environment (`GOOGLE_*`, `AZURE_*`). Nothing read here is ever
//! written anywhere: stores do not print their configuration.

use crate::local::LocalStorage;
use crate::object::ObjectStorage;
use crate::{RetryPolicy, Storage};
use object_store::ClientOptions;
use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// The store `text` lives in, and its key there.
pub fn resolve(text: &str) -> io::Result<(Arc<dyn Storage>, String)> {
    let Some((scheme, rest)) = text.split_once("://").filter(|(s, _)| is_scheme(s)) else {
        return Ok((local(), local_key(text)));
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme == "file" {
        return Ok((local(), local_key(rest)));
    }
    let (authority, key) = rest.split_once('/').unwrap_or((rest, ""));
    if authority.is_empty() {
        return Err(invalid(text, "names no bucket or host"));
    }
    let key = key.split(['?', '#']).next().unwrap_or("").trim_matches('/').to_string();
    let base = format!("{scheme}://{authority}");
    static STORES: OnceLock<Mutex<HashMap<String, Arc<dyn Storage>>>> = OnceLock::new();
    let mut stores = STORES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(store) = stores.get(&base) {
        return Ok((store.clone(), key));
    }
    let store = build(&scheme, authority, &base).map_err(|e| invalid(text, &e.to_string()))?;
    stores.insert(base, store.clone());
    Ok((store, key))
}

fn is_scheme(text: &str) -> bool {
    text.len() > 1
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

fn invalid(text: &str, why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, format!("{text}: {why}"))
}

fn local() -> Arc<dyn Storage> {
    static LOCAL: OnceLock<Arc<dyn Storage>> = OnceLock::new();
    LOCAL.get_or_init(|| Arc::new(LocalStorage)).clone()
}

/// A local path without its trailing separators (but `/` stays `/`).
fn local_key(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() && path.starts_with('/') {
        "/".into()
    } else {
        trimmed.into()
    }
}

fn build(scheme: &str, authority: &str, base: &str) -> Result<Arc<dyn Storage>, object_store::Error> {
    let retry = RetryPolicy::from_env();
    let object = |store: Arc<dyn object_store::ObjectStore>, read_only| -> Arc<dyn Storage> {
        Arc::new(ObjectStorage::new(store, base, read_only, retry))
    };
    let client = ClientOptions::new();
    Ok(match scheme {
        "memory" => object(Arc::new(object_store::memory::InMemory::new()), false),
        "s3" | "s3a" => object(Arc::new(amazon_s3(authority, &aws_profile::settings(), retry)?), false),
        "gs" => object(
            Arc::new(
                object_store::gcp::GoogleCloudStorageBuilder::from_env()
                    .with_bucket_name(authority)
                    .with_retry(retry.object_store_config())
                    .with_client_options(client)
                    .build()?,
            ),
            false,
        ),
        "az" | "azure" | "abfs" | "abfss" | "adl" => {
            let builder = object_store::azure::MicrosoftAzureBuilder::from_env();
            let builder = match scheme {
                "az" | "azure" => builder.with_container_name(authority),
                _ => builder.with_url(base),
            };
            object(
                Arc::new(
                    builder
                        .with_retry(retry.object_store_config())
                        .with_client_options(client)
                        .build()?,
                ),
                false,
            )
        }
        "http" | "https" => object(
            Arc::new(
                object_store::http::HttpBuilder::new()
                    .with_url(base)
                    .with_retry(retry.object_store_config())
                    .with_client_options(client.with_allow_http(true))
                    .build()?,
            ),
            true,
        ),
        _ => {
            return Err(object_store::Error::NotSupported {
                source: format!("unknown storage scheme {scheme}://").into(),
            })
        }
    })
}

/// A bucket of S3 (or of an S3-compatible server), configured from the
/// environment, then from `settings` (`object_store`'s keys: `aws_endpoint`,
/// `aws_access_key_id`…).
fn amazon_s3(
    bucket: &str,
    settings: &[(String, String)],
    retry: RetryPolicy,
) -> Result<object_store::aws::AmazonS3, object_store::Error> {
    let mut builder = object_store::aws::AmazonS3Builder::from_env()
        .with_bucket_name(bucket)
        .with_retry(retry.object_store_config());
    for (key, value) in settings {
        if let Ok(key) = key.parse() {
            builder = builder.with_config(key, value);
        }
    }
    let endpoint = builder.get_config_value(&object_store::aws::AmazonS3ConfigKey::Endpoint);
    let client = ClientOptions::new().with_allow_http(endpoint.is_some_and(|e| e.starts_with("http://")));
    builder.with_client_options(client).build()
}

/// A bucket of an S3-compatible server configured by the caller rather than
/// the environment (tests pointing at their own server): `settings` as in
/// [`amazon_s3`], e.g. `[("aws_endpoint", "http://127.0.0.1:8333")]`.
pub fn s3_bucket(bucket: &str, settings: &[(&str, &str)], retry: RetryPolicy) -> io::Result<Arc<dyn Storage>> {
    let settings: Vec<(String, String)> = settings.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let store =
        amazon_s3(bucket, &settings, retry).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    Ok(Arc::new(ObjectStorage::new(
        Arc::new(store),
        format!("s3://{bucket}"),
        false,
        retry,
    )))
}

/// The AWS shared config and credentials files, read as the AWS CLI reads them.
mod aws_profile {
    use super::PathBuf;

    /// Settings of the active profile that the environment does not set,
    /// as `object_store` keys (`aws_access_key_id`, `aws_region`…).
    pub(super) fn settings() -> Vec<(String, String)> {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let profile = env("AWS_PROFILE")
            .or_else(|| env("AWS_DEFAULT_PROFILE"))
            .unwrap_or("default".into());
        let home = env("HOME").map(PathBuf::from);
        let file = |var: &str, name: &str| {
            env(var)
                .map(PathBuf::from)
                .or_else(|| home.as_ref().map(|h| h.join(".aws").join(name)))
        };
        let mut found = Vec::new();
        // Credentials name sections `[name]`; config names them `[profile name]`,
        // except `[default]`.
        if let Some(path) = file("AWS_SHARED_CREDENTIALS_FILE", "credentials") {
            found.extend(section(&path, &profile));
        }
        if let Some(path) = file("AWS_CONFIG_FILE", "config") {
            let name = if profile == "default" {
                profile.clone()
            } else {
                format!("profile {profile}")
            };
            found.extend(section(&path, &name));
        }
        // The environment wins, and a key pair comes from one place only.
        let set_by_env = |key: &str| match key {
            "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token" => env("AWS_ACCESS_KEY_ID").is_some(),
            "aws_region" => env("AWS_REGION").or_else(|| env("AWS_DEFAULT_REGION")).is_some(),
            _ => env("AWS_ENDPOINT_URL").or_else(|| env("AWS_ENDPOINT")).is_some(),
        };
        let mut settings: Vec<(String, String)> = Vec::new();
        for (key, value) in found {
            let key = match key.as_str() {
                "aws_access_key_id" | "aws_secret_access_key" | "aws_session_token" => key,
                "region" => "aws_region".into(),
                "endpoint_url" => "aws_endpoint".into(),
                _ => continue,
            };
            if !set_by_env(&key) && !settings.iter().any(|(k, _)| *k == key) {
                settings.push((key, value));
            }
        }
        settings
    }

    /// The `key = value` lines of section `[name]` of an INI file.
    fn section(path: &std::path::Path, name: &str) -> Vec<(String, String)> {
        let Ok(text) = std::fs::read_to_string(path) else {
            return Vec::new();
        };
        let mut inside = false;
        let mut pairs = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                inside = header.trim() == name;
            } else if let (true, Some((key, value))) = (inside, line.split_once('=')) {
                pairs.push((key.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
        }
        pairs
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn sections_are_read_by_name() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("config");
            std::fs::write(&path, "[default]\nregion = eu-west-1\n[profile lab]\nregion=us-east-2\nendpoint_url = http://127.0.0.1:9000\n").unwrap();
            let lab = super::section(&path, "profile lab");
            assert_eq!(lab[0], ("region".into(), "us-east-2".into()));
            assert_eq!(lab[1].1, "http://127.0.0.1:9000");
            assert_eq!(super::section(&path, "default").len(), 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_their_backend_and_key() {
        let (_, key) = resolve("s3://bucket/crawl/a.warc.gz").unwrap();
        assert_eq!(key, "crawl/a.warc.gz");
        let (store, key) = resolve("https://data.commoncrawl.org/crawl-data/x.gz?raw=1").unwrap();
        assert_eq!(
            (store.url(&key).as_str(), key.as_str()),
            ("https://data.commoncrawl.org/crawl-data/x.gz", "crawl-data/x.gz")
        );
        let (store, key) = resolve("out/dir/").unwrap();
        assert_eq!(key, "out/dir");
        assert!(store.local_path(&key).is_some());
        assert_eq!(resolve("file:///tmp/x").unwrap().1, "/tmp/x");
        assert!(resolve("ftp://host/x").is_err());
        assert!(resolve("s3:///key").is_err());
        // A Windows-style drive letter or a colon in a name is a local path.
        assert_eq!(resolve("a:b").unwrap().1, "a:b");
    }

    #[test]
    fn one_store_per_bucket() {
        let (a, _) = resolve("memory://same/x").unwrap();
        let (b, _) = resolve("memory://same/y").unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
