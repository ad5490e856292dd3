//! Row structs: exactly the columns, no behaviour. Services turn them into views.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{categories, needs, organizations};

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: i32,
    pub parent_id: Option<i32>,
    pub slug: String,
    pub name_fa: String,
    pub name_en: String,
    pub position: i32,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = organizations)]
pub struct Organization {
    pub id: i32,
    pub name: String,
    pub name_en: String,
    pub name_key: String,
    pub kind: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub website: String,
    pub phone: String,
    pub description: String,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = organizations)]
pub struct NewOrganization {
    pub name: String,
    pub name_en: String,
    pub name_key: String,
    pub kind: String,
    pub province: String,
    pub city: String,
    pub address: String,
    pub website: String,
    pub phone: String,
    pub description: String,
    pub verified: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = needs)]
pub struct Need {
    pub id: i32,
    pub organization_id: i32,
    pub category_id: i32,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub part_number: String,
    pub part_number_key: String,
    pub brand: String,
    pub hs_code: Option<String>,
    pub material: String,
    pub specs: String,
    pub spec_items: String,
    pub quantity_per_year: Option<i64>,
    pub unit: String,
    pub unit_price: Option<i64>,
    pub currency: String,
    pub origin_country: String,
    pub annual_import_value: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub anonymous: bool,
    pub featured: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = needs)]
pub struct NewNeed {
    pub organization_id: i32,
    pub category_id: i32,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub part_number: String,
    pub part_number_key: String,
    pub brand: String,
    pub hs_code: Option<String>,
    pub material: String,
    pub specs: String,
    pub spec_items: String,
    pub quantity_per_year: Option<i64>,
    pub unit: String,
    pub unit_price: Option<i64>,
    pub currency: String,
    pub origin_country: String,
    pub annual_import_value: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub anonymous: bool,
    pub featured: bool,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}
