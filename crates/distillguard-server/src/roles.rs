//! Token roles for the live API, and the [`Caller`] that handlers check them on.
//!
//! - `ingest`: `POST /v1/exchanges`, `POST /v1/traces`, `POST /v1/check` (gateways);
//! - `read`: the read API, `POST /v1/check`, `/metrics`;
//! - `analyst`: read, plus analyst actions, the audit log and forced analysis runs;
//! - `admin`: everything (the admin token in `DIR/admin.token` has it).
//!
//! TAXII rights stay per collection (`read`/`write` lists of a token); roles do not
//! grant TAXII access except `admin`.

use crate::error::ServerError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Ingest,
    Read,
    Analyst,
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "ingest" => Some(Role::Ingest),
            "read" => Some(Role::Read),
            "analyst" => Some(Role::Analyst),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ingest => "ingest",
            Role::Read => "read",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
        }
    }

    fn bit(self) -> u8 {
        match self {
            Role::Ingest => 1,
            Role::Read => 2,
            Role::Analyst => 4,
            Role::Admin => 8,
        }
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    pub const NONE: Roles = Roles(0);
    pub const ALL: Roles = Roles(15);

    pub fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    pub fn of(roles: &[Role]) -> Roles {
        roles.iter().fold(Roles::NONE, |set, &r| set.with(r))
    }

    /// Whether the set grants `role` (admin grants everything; analyst grants read).
    pub fn grants(self, role: Role) -> bool {
        let held = |r: Role| self.0 & r.bit() != 0;
        held(Role::Admin) || held(role) || (role == Role::Read && held(Role::Analyst))
    }

    pub fn is_admin(self) -> bool {
        self.grants(Role::Admin)
    }
}

/// Who is calling: the token's name and roles (put in the request by the auth layer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub name: String,
    pub roles: Roles,
}

impl Caller {
    /// `Ok` if the caller holds one of `any`; else a 403 naming what is needed.
    pub fn require(&self, any: &[Role]) -> Result<(), ServerError> {
        if any.iter().any(|&r| self.roles.grants(r)) {
            return Ok(());
        }
        let needed: Vec<&str> = any.iter().map(|r| r.as_str()).collect();
        Err(ServerError::Forbidden(format!(
            "token {:?} lacks the role for this endpoint (needs {})",
            self.name,
            needed.join(" or ")
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_grants_all_and_analyst_reads() {
        assert!(Roles::of(&[Role::Admin]).grants(Role::Ingest));
        let analyst = Roles::of(&[Role::Analyst]);
        assert!(analyst.grants(Role::Read));
        assert!(!analyst.grants(Role::Ingest));
        assert!(!Roles::of(&[Role::Ingest]).grants(Role::Read));
        assert!(!Roles::NONE.grants(Role::Read));
    }
}
