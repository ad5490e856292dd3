//! Request bodies that crawl are cut off. A form body sent one byte a second held its
//! connection (and a worker's buffer) for minutes; here a body must keep arriving: it may take
//! a grace period plus one second per [`MIN_BYTES_PER_SECOND`] bytes received, and may not stall
//! for longer than the grace period. A real upload over a slow line passes (20 MB at 50 KB/s
//! takes 400 s and is allowed over 11 hours); a trickle does not.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use futures_util::Stream;
use tokio::time::{Instant, Sleep};

/// The slowest average a body may arrive at, after the grace period.
pub const MIN_BYTES_PER_SECOND: u64 = 512;

/// How long a body may take before the rate counts, and stall at most.
#[derive(Debug, Clone, Copy)]
pub struct BodyPace {
    pub grace: Duration,
}

impl Default for BodyPace {
    fn default() -> Self {
        Self {
            grace: Duration::from_secs(20),
        }
    }
}

struct Paced {
    inner: Payload,
    started: Instant,
    received: u64,
    grace: Duration,
    timer: Pin<Box<Sleep>>,
}

impl Paced {
    /// The moment this body must have gone on (or ended) by.
    fn deadline(&self) -> Instant {
        let by_rate =
            self.started + self.grace + Duration::from_secs(self.received / MIN_BYTES_PER_SECOND);
        let by_stall = Instant::now() + self.grace;
        by_rate.min(by_stall)
    }
}

impl Stream for Paced {
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                self.received += chunk.len() as u64;
                let deadline = self.deadline();
                self.timer.as_mut().reset(deadline);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    tracing::warn!(
                        received = self.received,
                        "a request body arrived too slowly; cut off"
                    );
                    Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        "the request body arrived too slowly",
                    )))))
                }
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }
}

/// Wraps every request's body in the pace check.
pub async fn pace_bodies(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let grace = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map_or(BodyPace::default().grace, |s| s.config.body_grace);
    let inner = req.take_payload();
    let started = Instant::now();
    let paced = Paced {
        inner,
        started,
        received: 0,
        grace,
        timer: Box::pin(tokio::time::sleep_until(started + grace)),
    };
    req.set_payload(Payload::Stream {
        payload: Box::pin(paced),
    });
    next.call(req).await
}
