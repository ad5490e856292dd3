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
        import_ref -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        reminder_sent_at -> Nullable<Timestamp>,
        processes -> Text,
    }
}

diesel::joinable!(needs -> organizations (organization_id));
diesel::joinable!(needs -> categories (category_id));
diesel::allow_tables_to_appear_in_same_query!(
    categories,
    organizations,
    needs,
    search_changes,
    users,
    recovery_codes,
    sessions,
    email_tokens,
    outbox,
    settings,
    need_decisions,
    attachments,
    need_joins,
    supplier_profiles,
    supplier_processes,
    supplier_certifications,
    interests,
    introductions,
    followup_tokens,
    supplier_reports,
    proposals,
    supplier_photos,
    saved_searches,
    alerts,
    digest_runs,
    editions,
    edition_sections,
    edition_needs,
    audit_log,
    agencies,
    agency_members,
    desk_cases,
    desk_case_agencies,
    desk_events,
    desk_sessions,
    desk_decisions,
    desk_files,
    need_news,
    submissions,
);

diesel::table! {
    need_news (need_id) {
        need_id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Integer,
        actor_id -> Nullable<Integer>,
        actor -> Text,
        action -> Text,
        target -> Text,
        outcome -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    editions (id) {
        id -> Integer,
        slug -> Text,
        title_fa -> Text,
        title_en -> Text,
        starts_on -> Date,
        ends_on -> Date,
        venue -> Text,
        description -> Text,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    edition_sections (id) {
        id -> Integer,
        edition_id -> Integer,
        name_fa -> Text,
        name_en -> Text,
        position -> Integer,
    }
}

diesel::table! {
    edition_needs (edition_id, need_id) {
        edition_id -> Integer,
        need_id -> Integer,
        section_id -> Nullable<Integer>,
        booth -> Text,
        position -> Integer,
        added_at -> Timestamp,
    }
}

diesel::joinable!(edition_needs -> editions (edition_id));
diesel::joinable!(edition_needs -> needs (need_id));
diesel::joinable!(edition_sections -> editions (edition_id));

diesel::table! {
    saved_searches (id) {
        id -> Integer,
        user_id -> Integer,
        name -> Text,
        query -> Text,
        frequency -> Text,
        paused -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    alerts (id) {
        id -> Integer,
        user_id -> Integer,
        need_id -> Integer,
        saved_search_id -> Nullable<Integer>,
        reason -> Text,
        delivery -> Text,
        created_at -> Timestamp,
        mailed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    digest_runs (user_id, kind, period) {
        user_id -> Integer,
        kind -> Text,
        period -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(alerts -> needs (need_id));
diesel::joinable!(saved_searches -> users (user_id));

diesel::table! {
    supplier_photos (id) {
        id -> Integer,
        user_id -> Integer,
        original_name -> Text,
        stored_name -> Text,
        thumb_name -> Text,
        content_type -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    proposals (id) {
        id -> Integer,
        need_id -> Integer,
        supplier_id -> Integer,
        proposed_by -> Integer,
        buyer_accepted_by -> Nullable<Integer>,
        supplier_accepted_at -> Nullable<Timestamp>,
        declined_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    interests (id) {
        id -> Integer,
        need_id -> Integer,
        supplier_id -> Integer,
        message -> Text,
        processes -> Text,
        lead_time_days -> Nullable<Integer>,
        sample -> Bool,
        unit_price -> Nullable<BigInt>,
        currency -> Text,
        status -> Text,
        decline_reason -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    introductions (id) {
        id -> Integer,
        need_id -> Integer,
        supplier_id -> Integer,
        interest_id -> Nullable<Integer>,
        introduced_at -> Timestamp,
        created_at -> Timestamp,
        followup_sent_at -> Nullable<Timestamp>,
        buyer_outcome -> Nullable<Text>,
        maker_outcome -> Nullable<Text>,
        buyer_id -> Nullable<Integer>,
        followups_sent -> Integer,
    }
}

diesel::table! {
    followup_tokens (token_hash) {
        token_hash -> Text,
        introduction_id -> Integer,
        user_id -> Integer,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(interests -> needs (need_id));
diesel::joinable!(introductions -> needs (need_id));

diesel::table! {
    supplier_profiles (user_id) {
        user_id -> Integer,
        summary -> Text,
        materials -> Text,
        machines -> Text,
        capacity -> Text,
        city -> Text,
        localized_parts -> Text,
        verified -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        max_diameter_mm -> Nullable<Integer>,
        max_length_mm -> Nullable<Integer>,
        max_weight_kg -> Nullable<Integer>,
        tolerance_um -> Nullable<Integer>,
        surface_ra_nm -> Nullable<Integer>,
        shot_g -> Nullable<Integer>,
        press_tonnes -> Nullable<Integer>,
        batch_min -> Nullable<Integer>,
        batch_max -> Nullable<Integer>,
    }
}

diesel::table! {
    supplier_processes (user_id, process) {
        user_id -> Integer,
        process -> Text,
    }
}

diesel::table! {
    supplier_certifications (user_id, certification) {
        user_id -> Integer,
        certification -> Text,
    }
}

diesel::joinable!(supplier_profiles -> users (user_id));

diesel::table! {
    search_changes (id) {
        id -> Integer,
        need_id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        email_verified_at -> Nullable<Timestamp>,
        password_hash -> Text,
        name -> Text,
        phone -> Text,
        lang -> Text,
        role -> Text,
        organization_id -> Nullable<Integer>,
        notify_alerts -> Bool,
        notify_news -> Bool,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        deleted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        totp_last_step -> Nullable<BigInt>,
        second_factor_failures -> Integer,
        second_factor_locked_until -> Nullable<Timestamp>,
        suspended_at -> Nullable<Timestamp>,
        interest_mail -> Text,
        interests_digested_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    supplier_reports (id) {
        id -> Integer,
        supplier_id -> Integer,
        reporter_id -> Integer,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recovery_codes (id) {
        id -> Integer,
        user_id -> Integer,
        code_hash -> Text,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> Nullable<Integer>,
        pending_user_id -> Nullable<Integer>,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    email_tokens (token_hash) {
        token_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Integer>,
        email -> Text,
        organization_id -> Nullable<Integer>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Integer,
        to_email -> Text,
        to_name -> Text,
        template -> Text,
        lang -> Text,
        context -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Text,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        claimed_by -> Nullable<Text>,
    }
}

diesel::table! {
    submissions (key) {
        key -> Text,
        owner -> Text,
        location -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    settings (name) {
        name -> Text,
        value -> Text,
    }
}

diesel::table! {
    need_decisions (id) {
        id -> Integer,
        need_id -> Integer,
        user_id -> Integer,
        decision -> Text,
        reason -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    attachments (id) {
        id -> Integer,
        need_id -> Integer,
        kind -> Text,
        content_type -> Text,
        original_name -> Text,
        stored_name -> Text,
        thumb_name -> Nullable<Text>,
        size_bytes -> BigInt,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        visibility -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    need_joins (need_id, organization_id) {
        need_id -> Integer,
        organization_id -> Integer,
        quantity_per_year -> BigInt,
        unit_price -> Nullable<BigInt>,
        currency -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(users -> organizations (organization_id));

diesel::table! {
    agencies (id) {
        id -> Integer,
        slug -> Text,
        name_fa -> Text,
        name_en -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    agency_members (user_id) {
        user_id -> Integer,
        agency_id -> Integer,
    }
}

diesel::table! {
    desk_cases (id) {
        id -> Integer,
        number -> Text,
        organization_id -> Integer,
        filed_by -> Nullable<Integer>,
        channel -> Text,
        category -> Text,
        urgency -> Text,
        subject -> Text,
        description -> Text,
        request -> Text,
        named_agencies -> Text,
        status -> Text,
        agency_id -> Nullable<Integer>,
        assignee_id -> Nullable<Integer>,
        need_id -> Nullable<Integer>,
        first_response_at -> Nullable<Timestamp>,
        resolved_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        rating -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    desk_case_agencies (case_id, agency_id) {
        case_id -> Integer,
        agency_id -> Integer,
        assigned_at -> Timestamp,
    }
}

diesel::table! {
    desk_events (id) {
        id -> Integer,
        case_id -> Integer,
        actor_id -> Nullable<Integer>,
        actor_name -> Text,
        side -> Text,
        kind -> Text,
        status -> Nullable<Text>,
        agency_id -> Nullable<Integer>,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(agency_members -> agencies (agency_id));
diesel::joinable!(desk_cases -> organizations (organization_id));
diesel::joinable!(desk_case_agencies -> desk_cases (case_id));
diesel::joinable!(desk_events -> desk_cases (case_id));

diesel::table! {
    desk_sessions (id) {
        id -> Integer,
        held_on -> Date,
        title -> Text,
        place -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    desk_decisions (id) {
        id -> Integer,
        session_id -> Integer,
        case_id -> Integer,
        decision -> Text,
        agency_id -> Nullable<Integer>,
        deadline -> Nullable<Date>,
        decided_at -> Nullable<Timestamp>,
        escalated_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(desk_decisions -> desk_sessions (session_id));
diesel::joinable!(desk_decisions -> desk_cases (case_id));

diesel::table! {
    desk_files (id) {
        id -> Integer,
        case_id -> Integer,
        uploaded_by -> Nullable<Integer>,
        side -> Text,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::joinable!(desk_files -> desk_cases (case_id));
