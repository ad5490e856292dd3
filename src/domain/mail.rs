//! The life of a queued mail: waiting, being sent (leased to one worker), sent, or dead after
//! too many failures (shown to admins, who may retry it).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailStatus {
    Pending,
    Sending,
    Sent,
    Dead,
}

impl MailStatus {
    pub const ALL: [MailStatus; 4] = [
        MailStatus::Pending,
        MailStatus::Sending,
        MailStatus::Sent,
        MailStatus::Dead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailStatus::Pending => "pending",
            MailStatus::Sending => "sending",
            MailStatus::Sent => "sent",
            MailStatus::Dead => "dead",
        }
    }
}

impl super::StoredText for MailStatus {
    const ALL: &'static [Self] = &MailStatus::ALL;
    fn stored(self) -> &'static str {
        self.as_str()
    }
}
