//! Pacing that learns: per API and endpoint, start at the configured or published limit, back off on throttling, and
//! creep back up while calls succeed, never above the ceiling. Huawei publishes no limits, so its ceiling is the
//! profile's; Tencent's is the published limit itself.

/// One API's current rate.
#[derive(Debug, Clone, PartialEq)]
pub struct Rate {
    current: f64,
    ceiling: u32,
    streak: u32,
    /// Whether the service has throttled this API here: until it does, the rate grows fast.
    throttled_once: bool,
}

impl Rate {
    /// Starting at `start` calls per second, never above `ceiling`.
    pub fn new(start: u32, ceiling: u32) -> Self {
        let ceiling = ceiling.max(1);
        Self { current: f64::from(start.clamp(1, ceiling)), ceiling, streak: 0, throttled_once: false }
    }

    /// Calls per second allowed now.
    pub fn limit(&self) -> u32 {
        (self.current.floor() as u32).max(1)
    }

    /// The service throttled a call while `sent` calls went out in the last second. When that is at least half the
    /// rate, the pace is the likely cause and the rate drops to 70% of what was really sent (at least 1/s); a
    /// throttle far under the rate (a service throttling at random, latency holding the pace down) is left to the
    /// retry. Returns (before, after) when it changed.
    pub fn throttled(&mut self, sent: u32) -> Option<(u32, u32)> {
        let before = self.limit();
        self.streak = 0;
        self.throttled_once = true;
        if sent.saturating_mul(2) < before {
            return None;
        }
        let basis = self.current.min(f64::from(sent.max(1)));
        self.current = (basis * 0.7).max(1.0);
        Some((before, self.limit())).filter(|(b, a)| b != a)
    }

    /// A call succeeded. After a second's worth of successes in a row, the rate grows up to the ceiling: by half
    /// while the service has never throttled it (finding the ceiling fast), by a tenth after (at least 1/s either
    /// way). Returns (before, after) when it changed.
    pub fn succeeded(&mut self) -> Option<(u32, u32)> {
        self.streak += 1;
        let before = self.limit();
        if self.streak < before || before >= self.ceiling {
            return None;
        }
        self.streak = 0;
        let step = if self.throttled_once { self.current / 10.0 } else { self.current / 2.0 };
        self.current = (self.current + step.max(1.0)).min(f64::from(self.ceiling));
        Some((before, self.limit())).filter(|(b, a)| b != a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backs_off_creeps_up_and_stops_at_the_ceiling() {
        let mut r = Rate::new(10, 40);
        assert_eq!(r.limit(), 10);
        assert_eq!(r.throttled(10), Some((10, 7)), "sending at the limit: 70% of it");
        assert_eq!(r.throttled(7), Some((7, 4)));
        let mut slow = Rate::new(100, 100);
        assert_eq!(slow.throttled(20), None, "a throttle far under the rate is not the pace's doing");
        assert_eq!(slow.throttled(80), Some((100, 56)), "70% of what was really sent");
        for _ in 0..200 {
            r.succeeded();
        }
        assert!(r.limit() > 10, "it grows while calls succeed: {}", r.limit());
        for _ in 0..100_000 {
            r.succeeded();
        }
        assert_eq!(r.limit(), 40, "never above the ceiling");
        let mut floor = Rate::new(1, 1);
        assert_eq!(floor.throttled(5), None, "never below 1/s");
        assert_eq!(floor.succeeded(), None);
        assert_eq!(Rate::new(100, 20).limit(), 20, "a start above the ceiling is held to it");
    }

    #[test]
    fn grows_fast_until_the_first_throttle_then_slowly() {
        let mut fresh = Rate::new(10, 1000);
        let second = |r: &mut Rate| {
            for _ in 0..r.limit() {
                r.succeeded();
            }
        };
        second(&mut fresh);
        assert_eq!(fresh.limit(), 15, "by half a second while never throttled");
        second(&mut fresh);
        assert_eq!(fresh.limit(), 22);
        fresh.throttled(22);
        let after = fresh.limit();
        second(&mut fresh);
        assert_eq!(fresh.limit(), after + 1, "by a tenth (at least 1) once throttled");
    }
}
