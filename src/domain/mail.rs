//! The life of a queued mail: waiting, being sent (leased to one worker), sent, or dead after
//! too many failures (shown to admins, who may retry it).

crate::domain::closed_set! {
    pub enum MailStatus {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Dead = "dead",
    }
}
