//! Table definitions, kept identical for every backend (see the migrations).

diesel::table! {
    categories (id) {
        id -> Integer,
        parent_id -> Nullable<Integer>,
        slug -> Text,
        name_fa -> Text,
        name_en -> Text,
        position -> Integer,
    }
}

diesel::table! {
    organizations (id) {
        id -> Integer,
        name -> Text,
        name_en -> Text,
        name_key -> Text,
        kind -> Text,
        province -> Text,
        city -> Text,
        address -> Text,
        website -> Text,
        phone -> Text,
        description -> Text,
        verified -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    needs (id) {
        id -> Integer,
        organization_id -> Integer,
        category_id -> Integer,
        title -> Text,
        title_en -> Text,
        description -> Text,
        part_number -> Text,
        part_number_key -> Text,
        brand -> Text,
        hs_code -> Nullable<Text>,
        material -> Text,
        specs -> Text,
        spec_items -> Text,
        quantity_per_year -> Nullable<BigInt>,
        unit -> Text,
        unit_price -> Nullable<BigInt>,
        currency -> Text,
        origin_country -> Text,
        annual_import_value -> Nullable<BigInt>,
        deadline -> Nullable<Date>,
        anonymous -> Bool,
        featured -> Bool,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(needs -> organizations (organization_id));
diesel::joinable!(needs -> categories (category_id));
diesel::allow_tables_to_appear_in_same_query!(categories, organizations, needs, search_changes);

diesel::table! {
    search_changes (id) {
        id -> Integer,
        need_id -> Integer,
        created_at -> Timestamp,
    }
}
