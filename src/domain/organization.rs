//! Organizations: the firms that post needs and the makers who answer them.

crate::domain::closed_set! {
    pub enum OrgKind {
        IndustrialFirm = "industrial_firm",
        Workshop = "workshop",
        Manufacturer = "manufacturer",
        Inventor = "inventor",
        ResearchCentre = "research_centre",
        Agency = "agency",
    }
}

impl OrgKind {
    pub fn parse(s: &str) -> Option<Self> {
        <Self as crate::domain::StoredText>::from_stored(s.trim())
    }
}
