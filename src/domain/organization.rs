//! Organizations: the firms that post needs and the makers who answer them.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    IndustrialFirm,
    Workshop,
    Manufacturer,
    Inventor,
    ResearchCentre,
    Agency,
}

impl OrgKind {
    pub const ALL: [OrgKind; 6] = [
        OrgKind::IndustrialFirm,
        OrgKind::Workshop,
        OrgKind::Manufacturer,
        OrgKind::Inventor,
        OrgKind::ResearchCentre,
        OrgKind::Agency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::IndustrialFirm => "industrial_firm",
            OrgKind::Workshop => "workshop",
            OrgKind::Manufacturer => "manufacturer",
            OrgKind::Inventor => "inventor",
            OrgKind::ResearchCentre => "research_centre",
            OrgKind::Agency => "agency",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }
}

impl super::StoredText for OrgKind {
    const ALL: &'static [Self] = &OrgKind::ALL;
    fn stored(self) -> &'static str {
        self.as_str()
    }
}
