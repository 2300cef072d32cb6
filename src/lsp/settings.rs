//! Settings and configuration: the editor's `dep-ls` settings (initialization options,
//! `workspace/configuration`, `didChangeConfiguration`) and reloads of `dep-ls.toml` and the
//! domain profile, which re-index every folder. Reloads run in a task of their own, one at a
//! time, coalesced: a burst of events gives one reload, and at most one more for the events
//! that arrive while it runs (issue 13, defect 4).

use super::panic::INTERNAL_ERROR;
use super::session::{read, write, Backend};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tower_lsp_server::ls_types::*;

/// How long a configuration reload waits for the rest of a burst of events.
const RELOAD_DEBOUNCE: Duration = Duration::from_millis(50);

impl Backend {
    /// `workspace/didChangeConfiguration`: the settings it carries (when the client does not
    /// answer `workspace/configuration`) or pulled, then a reload and an inlay hint refresh.
    pub(super) fn configuration_changed(&self, params: DidChangeConfigurationParams) {
        let pull = read(&self.state.flags).configuration;
        if !pull && !params.settings.is_null() {
            self.apply_settings(&params.settings);
        }
        // Asking the client (configuration, inlay hint refresh) waits on its answer: in a task.
        let this = self.handle();
        tokio::spawn(async move {
            if pull {
                this.pull_configuration().await;
            }
            this.request_reload();
            let _ = this.client.inlay_hint_refresh().await;
        });
    }

    /// Asks for a configuration reload and re-index of every folder, in a task of its own:
    /// a burst of `dep-ls.toml` events (or settings changes) gives one reload for the events
    /// that arrive before it starts and at most one more for those that arrive while it
    /// runs, never one per event (issue 13, defect 4).
    pub(super) fn request_reload(&self) {
        if !self.state.reload.request() {
            return; // the running task reloads once more
        }
        let this = self.handle();
        tokio::spawn(async move {
            loop {
                // Let the rest of a burst arrive: it is absorbed by this reload.
                tokio::time::sleep(RELOAD_DEBOUNCE).await;
                this.state.reload.begin();
                let run = this.handle();
                if tokio::spawn(async move { run.reload_config().await })
                    .await
                    .is_err()
                {
                    tracing::error!("{INTERNAL_ERROR}: a panic while reloading the configuration");
                }
                if !this.state.reload.again() {
                    break;
                }
            }
        });
    }

    /// Reloads configuration (settings + dep-ls.toml) for every folder and re-indexes.
    async fn reload_config(&self) {
        let roots: Vec<PathBuf> = {
            let mut w = write(&self.state.world);
            let roots: Vec<PathBuf> = w.folders.iter().map(|f| f.root.clone()).collect();
            for r in &roots {
                let (config, errors) = w.config_for(r);
                if let Some(f) = w.folder_mut(r) {
                    f.set_config(config, errors);
                    let prefixes = f.config.prefixes.clone();
                    for (rel, doc) in f.open.iter_mut() {
                        doc.reparse_all(&prefixes);
                        f.index.update(rel, Arc::clone(doc.parsed()));
                    }
                }
            }
            roots
        };
        for r in roots {
            let errors: Vec<String> = read(&self.state.world)
                .folder(&r)
                .map(|f| f.config_errors.iter().map(|e| e.to_string()).collect())
                .unwrap_or_default();
            for e in errors {
                self.log(MessageType::WARNING, e).await;
            }
            self.index_folder(r).await;
        }
    }

    /// Takes the `dep-ls` settings (the section itself, or an object holding it).
    pub(super) fn apply_settings(&self, v: &serde_json::Value) {
        let v = v.get("dep-ls").unwrap_or(v).clone();
        if let Some(b) = v.pointer("/inlayHints/enabled").and_then(|x| x.as_bool()) {
            *write(&self.state.inlay_hints) = b;
        }
        if let Some(ms) = v
            .pointer("/diagnostics/debounceMs")
            .and_then(|x| x.as_u64())
        {
            *write(&self.state.debounce) = Duration::from_millis(ms.min(5_000));
        }
        if let Some(l) = v.get("logLevel").and_then(|x| x.as_str()) {
            *write(&self.state.log_level) = match l {
                "error" => MessageType::ERROR,
                "warn" | "warning" => MessageType::WARNING,
                "debug" | "trace" | "log" => MessageType::LOG,
                _ => MessageType::INFO,
            };
        }
        write(&self.state.world).settings = v;
    }

    /// Asks the client for the `dep-ls` configuration section.
    pub(super) async fn pull_configuration(&self) {
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("dep-ls".into()),
        }];
        if let Ok(mut v) = self.client.configuration(items).await {
            if let Some(s) = v.pop().filter(|s| !s.is_null()) {
                self.apply_settings(&s);
            }
        }
    }
}
