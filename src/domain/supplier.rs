//! Suppliers: inventors, workshops, manufacturers and labs, described by what they can do.
//! Processes and certifications are controlled lists (names in the message files, under
//! `process.` and `certification.`), so profiles can be filtered and matched to needs.

crate::domain::closed_set! {
    /// A way of making parts.
    pub enum Process {
        CncTurning = "cnc_turning",
        CncMilling = "cnc_milling",
        FiveAxisMachining = "five_axis_machining",
        Grinding = "grinding",
        Edm = "edm",
        SandCasting = "sand_casting",
        DieCasting = "die_casting",
        InvestmentCasting = "investment_casting",
        Forging = "forging",
        SheetMetal = "sheet_metal",
        LaserCutting = "laser_cutting",
        Welding = "welding",
        HeatTreatment = "heat_treatment",
        SurfaceCoating = "surface_coating",
        InjectionMoulding = "injection_moulding",
        RubberMoulding = "rubber_moulding",
        Extrusion = "extrusion",
        GearCutting = "gear_cutting",
        SpringMaking = "spring_making",
        Fasteners = "fasteners",
        ElectronicsAssembly = "electronics_assembly",
        PcbDesign = "pcb_design",
        ElectricalPanels = "electrical_panels",
        Hydraulics = "hydraulics",
        ReverseEngineering = "reverse_engineering",
        Printing3d = "3d_printing",
        MouldMaking = "mould_making",
        Composites = "composites",
        PowderMetallurgy = "powder_metallurgy",
        IndustrialDesign = "industrial_design",
        MotorWinding = "motor_winding",
        Bearings = "bearings",
        Refractories = "refractories",
    }
}

impl Process {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }
}

crate::domain::closed_set! {
    /// A certificate a supplier holds.
    pub enum Certification {
        Iso9001 = "iso_9001",
        Iso14001 = "iso_14001",
        Iatf16949 = "iatf_16949",
        NationalStandard = "national_standard",
        Ce = "ce",
        KnowledgeBased = "knowledge_based",
    }
}

impl Certification {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }
}

crate::domain::closed_set! {
    /// Where a maker's offer on a need stands.
    pub enum InterestStatus {
        Open = "open",
        Withdrawn = "withdrawn",
        Accepted = "accepted",
        Declined = "declined",
    }
}

crate::domain::closed_set! {
    /// How an introduction went, as one side tells it.
    pub enum Outcome {
        Negotiating = "negotiating",
        SampleMade = "sample_made",
        ContractSigned = "contract_signed",
        Localized = "localized",
        NoDeal = "no_deal",
    }
}

impl Outcome {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }

    /// Whether this answer ends the story: nothing more to ask.
    pub fn is_final(self) -> bool {
        matches!(self, Outcome::Localized | Outcome::NoDeal)
    }
}

/// When both sides of an introduction are asked how it went: days after it, increasing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowupSchedule(Vec<i64>);

impl FollowupSchedule {
    /// Most follow-ups one introduction gets.
    pub const MAX: usize = 6;

    /// `21,45,90`: whole days, increasing, 1 to 3650, at most six.
    pub fn parse(s: &str) -> Result<Self, &'static str> {
        let days: Vec<i64> = s
            .split([',', '،', ' '])
            .filter(|d| !d.trim().is_empty())
            .map(|d| crate::domain::codes::digits_to_latin(d.trim()).parse::<i64>())
            .collect::<Result<_, _>>()
            .map_err(|_| "must be days such as 21,45,90")?;
        if days.is_empty() || days.len() > Self::MAX {
            return Err("must list one to six days");
        }
        if days.iter().any(|d| !(1..=3650).contains(d)) || days.windows(2).any(|w| w[0] >= w[1]) {
            return Err("must be increasing days between 1 and 3650");
        }
        Ok(Self(days))
    }

    /// The days after an introduction of the `n`th follow-up (0-based), if there is one.
    pub fn nth(&self, n: usize) -> Option<i64> {
        self.0.get(n).copied()
    }

    pub fn days(&self) -> &[i64] {
        &self.0
    }

    /// Whether a pair at `sent` follow-ups so far, with these answers, is asked again once
    /// its next day has come: not once either side said it ended, nor once both answered the
    /// last follow-up.
    pub fn asks_again(&self, sent: usize, answers: [Option<Outcome>; 2]) -> bool {
        if sent >= self.0.len() {
            return false;
        }
        if answers.iter().flatten().any(|o| o.is_final()) {
            return false;
        }
        true
    }
}

impl Default for FollowupSchedule {
    fn default() -> Self {
        Self(vec![21, 45, 90])
    }
}

#[cfg(test)]
mod followup_tests {
    use super::*;

    #[test]
    fn schedules_parse_and_stop_when_the_story_ends() {
        let s = FollowupSchedule::parse("21, 45,۹۰").unwrap();
        assert_eq!(s.days(), [21, 45, 90]);
        assert!(FollowupSchedule::parse("45,21").is_err());
        assert!(FollowupSchedule::parse("0").is_err());
        assert!(FollowupSchedule::parse("").is_err());
        assert!(FollowupSchedule::parse("a").is_err());
        assert!(FollowupSchedule::parse("1,2,3,4,5,6,7").is_err());
        assert!(s.asks_again(1, [Some(Outcome::Negotiating), None]));
        assert!(!s.asks_again(1, [Some(Outcome::NoDeal), None]));
        assert!(!s.asks_again(2, [None, Some(Outcome::Localized)]));
        assert!(!s.asks_again(3, [None, None]), "the schedule is done");
    }
}
