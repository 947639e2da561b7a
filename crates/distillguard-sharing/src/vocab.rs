//! Fixed STIX vocabulary we share: MITRE ATLAS techniques, TLP 2.0 markings, and the
//! extension definitions that declare our two custom observable types.
//!
//! Custom content leaves only through extension definitions (STIX 2.1 §7.3), so that
//! strict validators and `stix2.parse(..., allow_custom=False)` accept our bundles.

/// One MITRE ATLAS technique a distillation campaign uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AtlasTechnique {
    pub external_id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

impl AtlasTechnique {
    pub fn url(&self) -> String {
        format!("https://atlas.mitre.org/techniques/{}", self.external_id)
    }
}

pub const EXTRACT_AI_MODEL: AtlasTechnique = AtlasTechnique {
    external_id: "AML.T0024.002",
    name: "Extract AI Model",
    description: "Harvesting a model's outputs through its inference API at scale to train a copy (distillation).",
};
pub const INFERENCE_API_ACCESS: AtlasTechnique = AtlasTechnique {
    external_id: "AML.T0040",
    name: "AI Model Inference API Access",
    description: "Using the model's public inference API as the collection channel.",
};
pub const AI_SERVICE_PROXIES: AtlasTechnique = AtlasTechnique {
    external_id: "AML.T0008.005",
    name: "AI Service Proxies",
    description: "Routing traffic through shared proxy infrastructure that spreads requests over many accounts and addresses.",
};
pub const ESTABLISH_ACCOUNTS: AtlasTechnique = AtlasTechnique {
    external_id: "AML.T0021",
    name: "Establish Accounts",
    description: "Creating many accounts (a hydra) so that each stays under per-account limits.",
};

/// The STIX 2.1 property extension of FIRST TLP 2.0, published by OASIS.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";
/// The `created` time OASIS published the TLP 2.0 marking definitions with.
pub const TLP2_CREATED: &str = "2022-10-01T00:00:00.000Z";

/// Our custom observable type for payment instruments, known only by the SHA-256 of the
/// provider's opaque payment fingerprint.
pub const PAYMENT_SCO_TYPE: &str = "distillguard-payment-fingerprint";
/// Our custom observable type for prompt templates, known only by a hex sketch.
pub const TEMPLATE_SCO_TYPE: &str = "distillguard-prompt-template";
/// The property extension carrying campaign and cluster facts (targets, counts).
pub const CAMPAIGN_EXTENSION_KEY: &str = "distillguard-campaign";

/// Content keys for the extension definitions' deterministic ids.
pub const PAYMENT_SCO_EXTENSION_KEY: &str = "new-sco:distillguard-payment-fingerprint:v1";
pub const TEMPLATE_SCO_EXTENSION_KEY: &str = "new-sco:distillguard-prompt-template:v1";
pub const CAMPAIGN_PROPERTY_EXTENSION_KEY: &str = "property-extension:distillguard-campaign:v1";

/// Where the extension definitions' schemas are documented.
pub const SCHEMA_BASE_URL: &str = "https://distillguard.dev/stix/extensions";
