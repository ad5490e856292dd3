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
}
