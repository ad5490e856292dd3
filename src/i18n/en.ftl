# English. Keys are the same in every language file; a test checks that each file has every
# key. Placeholders are { $name }; counts select their plural form.

## Site frame
site-name = Niaz
site-tagline = Exhibition of industry needs
site-description = Parts that East Azerbaijan's industry imports, for domestic makers and inventors.
nav-skip = Skip to content
nav-main = Main menu
nav-home = Home
nav-catalogue = Catalogue
nav-about = About
nav-breadcrumb = Breadcrumb
lang-switch = فارسی
lang-switch_title = نمایش به فارسی
footer-text = Niaz, the permanent exhibition of East Azerbaijan industry's localization needs

## Statuses
status-draft = Draft
status-pending_review = Awaiting review
status-published = Open
status-in_talks = In talks
status-localized = Localized
status-closed = Closed
status-expired = Expired

## Units
unit-piece = pcs
unit-set = sets
unit-pair = pairs
unit-kg = kg
unit-ton = t
unit-meter = m
unit-square_meter = m²
unit-liter = L
unit-roll = rolls
unit-thousand = thousand
unit-million = million
unit-billion = billion

## Currencies
currency-IRR = IRR
currency-USD = USD
currency-EUR = EUR
currency-CNY = CNY
currency-AED = AED

## Organization kinds
org_kind-industrial_firm = Industrial firm
org_kind-workshop = Workshop
org_kind-manufacturer = Manufacturer
org_kind-inventor = Inventor
org_kind-research_centre = Research centre
org_kind-agency = Agency

## Need fields
need-part_number = Part number
need-brand = Original maker
need-hs_code = HS code
need-category = Category
need-material = Material
need-quantity = Annual quantity
need-unit_price = Import unit price
need-annual_value = Annual import value
need-origin = Imported from
need-deadline = Deadline
need-no_deadline = No deadline
need-location = Location
need-published = Published
need-updated = Last updated
need-anonymous_firm = A firm in { $city }
need-sheet = Need specification sheet
need-buyer = Buyer
need-specification = Specification
need-technical = Technical data
need-description = Description
need-no_description = No description given.
need-cta = I can make this
need-cta_text = Soon you will say so with one click, and Niaz will introduce you and the firm by email; contact details are revealed only when both sides agree. Until then, note this need's number and bring it to the exhibition desk at the province's Industry, Mine and Trade organization.
need-cta_ref = Need number: { $id }
need-cta_closed = This part no longer takes new offers; see the catalogue for open needs.
need-print = Print this sheet

## Firm page
firm-verified = Verified
firm-contact_note = Contact details are shared after an introduction that both sides agree to.
firm-needs = Published needs
firm-no_needs = This firm has no public needs yet.

## Pagination
pagination-label = Pagination
pagination-prev = ← Previous
pagination-next = Next →
pagination-status = Page { $page } of { $pages }

## Home
home-title = East Azerbaijan exhibition of industry needs
home-lead = The province's factories show the parts they still import, so that inventors, workshops and domestic manufacturers can make them instead.
home-browse = Browse the needs
home-how = How it works
home-figures = Exhibition figures
home-open_needs = { $n ->
        [one] open need
       *[other] open needs
    }
home-firms = { $n ->
        [one] firm
       *[other] firms
    }
home-localized = { $n ->
        [one] part localized
       *[other] parts localized
    }
home-import_value = Annual import value of open needs
home-for_suppliers = For makers and inventors
home-for_suppliers_text = Browse the catalogue, find a part you can make and say so: each part shows its specification, yearly quantity and import value.
home-for_buyers = For industrial firms
home-for_buyers_text = Post the parts you import with drawings and specifications; your name can stay hidden until an introduction.
home-featured = Featured needs
home-latest = Latest needs
home-all_needs = All needs
home-empty = No needs have been published yet.
home-categories = Industrial categories

## Catalogue
catalogue-title = Catalogue of needs
catalogue-categories = Categories
catalogue-all = All categories
catalogue-count = { $n ->
        [one] { $n } need
       *[other] { $n } needs
    }
catalogue-empty = There are no public needs in this category yet.
catalogue-past_end = This page is past the end of the list.
catalogue-first_page = Back to the first page

## About
about-title = About the exhibition of industry needs
about-lead = Every year East Azerbaijan's Industry, Mine and Trade organization holds an exhibition where factories show the parts they import and inventors and domestic manufacturers step forward to make them. Niaz is that exhibition, always open.
about-how_title = How it works
about-step1 = A firm posts an imported part with its part number, drawings, yearly quantity and import price.
about-step2 = The exhibition's organizers review and publish the need.
about-step3 = Makers search the catalogue and say which parts they can make.
about-step4 = Niaz introduces both sides by email; contact details are revealed only when both agree.
about-buyers = Every part made at home saves foreign currency and shortens line stoppages. You may publish a need without your firm's name.
about-suppliers = You see each part's yearly quantity and import value, so you can judge whether making it pays.
about-privacy_title = Privacy
about-privacy = No user's email address or phone number is shown on public pages.
about-organizer_title = Organizer
about-organizer = The Industry, Mine and Trade organization of East Azerbaijan province, Tabriz.

## Search
search-title = Search needs
search-label = Search the needs
search-placeholder = Part name, part number or HS code
search-button = Search
search-results_for = Results for “{ $q }”
search-sort = Sort by
search-sort_relevance = Best match
search-sort_newest = Newest
search-sort_value = Highest import value
search-sort_deadline = Soonest deadline
search-facets = Refine results
search-filters = Filters
search-remove_filter = Remove this filter
search-clear = Clear all filters
search-facet_category = Category
search-facet_status = Status
search-facet_province = Province
search-facet_city = City
search-facet_origin = Imported from
search-facet_drawing = Drawing
search-drawing_yes = With drawing
search-drawing_no = Without drawing
search-did_you_mean = Did you mean
search-relaxed = No need matches every word; showing needs that match some of them.
search-no_results = No needs match this search.
search-tip_fewer = Try fewer or more general words.
search-tip_code = Try the part number without the maker's prefix (6205 instead of SKF-6205).
search-tip_browse = Or browse by category:
need-similar = Similar needs

## Accounts
nav-login = Log in
nav-signup = Sign up
nav-account = My account
nav-logout = Log out
nav-admin = Admin
nav-find_work = Find work
role-buyer = Industrial firm (buyer)
role-supplier = Maker (supplier)
role-organizer = Organizer
role-admin = Administrator
form-has_errors = Some fields need fixing; see the message next to each.
auth-signup = Sign up
auth-signup_lead = Create an account to post needs or offer to make parts. After signing up, confirm your email address with the link we send.
auth-i_am = I am
auth-role_supplier = a maker, workshop or inventor
auth-role_buyer = posting needs for an industrial firm
auth-name = Full name
auth-email = Email
auth-password = Password
auth-password_help = At least 10 characters; a long sentence in any language works well.
auth-phone_optional = Phone (optional)
auth-organization = Firm or workshop name
auth-organization_help = Required for industrial firms; individual makers may leave it empty.
auth-supplier_kind = Kind of maker
auth-signup_button = Create account
auth-have_account = Have an account?
auth-login = Log in
auth-login_button = Log in
auth-forgot = Forgot your password?
auth-forgot_lead = Enter your account's email address and we will send a link to set a new password.
auth-reset_button = Send the link
auth-reset_sent = If this address has a Niaz account, a link to set a new password is on its way. The link works for one hour.
auth-new_password = New password
auth-save_password = Save password
auth-second_factor = Two-step sign-in
auth-second_factor_lead = Enter the six-digit code from your authenticator app, or one of your recovery codes.
auth-code = Code
auth-verify = Confirm your email address
auth-verify_lead = Press the button below to confirm your email address.
auth-verify_button = Confirm email
auth-verify_again = Ask for a new link from your account page
auth-invite_title = Join your colleagues
auth-invite_lead = An account will be created for:
auth-invite_button = Join
account-title = My account
account-unverified = Your email address is not confirmed yet; until it is, you cannot post needs or offer to make parts.
account-resend = Send the confirmation link again
account-profile = Profile
account-language = Language
account-notifications = Email notifications
account-notify_alerts = New needs that fit my capabilities
account-notify_news = Exhibition news
account-save = Save
account-password = Change password
account-current_password = Current password
account-security = Security
account-totp_on = Two-step sign-in is on.
account-totp_off = Two-step sign-in is off.
account-totp_manage = Manage two-step sign-in
account-logout_everywhere = Log out of all devices
account-invite = Invite a colleague
account-invite_email = Colleague's email
account-invite_button = Send the invitation
account-delete = Delete account
account-delete_help = Your name, email and phone are erased; your firm's published needs stay.
account-delete_button = Delete my account for good
totp-title = Two-step sign-in
totp-lead = Scan this QR code with an authenticator app (such as Google Authenticator or Aegis) and enter its six-digit code.
totp-secret = Or enter this key by hand:
totp-enable = Turn on
totp-disable = Turn off two-step sign-in
totp-enabled = Two-step sign-in is now on.
totp-recovery = Recovery codes
totp-recovery_help = Keep these codes somewhere safe; each works once instead of an app code, and they will not be shown again.
admin-title = Exhibition admin
admin-organizations = Organizations awaiting verification
admin-no_organizations = No organization is waiting.
admin-verify = Verify
admin-users = Users and roles
admin-grant = Make organizer
admin-revoke = Revoke organizer
admin-dead_mail = Undeliverable mail
admin-no_dead_mail = All mail has been delivered.
admin-retry = Retry
admin-settings = Settings
admin-require_2fa = Require two-step sign-in for organizers and admins
flash-welcome = Your account is ready. A confirmation link is on its way to your email.
flash-verified = Your email address is confirmed.
flash-resent = A new confirmation link is on its way.
flash-saved = Your changes are saved.
flash-password = Your password is changed and your other sessions are ended.
flash-everywhere = You are logged out everywhere.
flash-reset = Your new password is saved; please log in.
flash-invited = The invitation is on its way.
flash-joined = You have joined your colleagues.
flash-totp_off = Two-step sign-in is off.
flash-required = Organizers and admins must use two-step sign-in; please turn it on.
flash-deleted = Your account has been deleted.
flash-role = The user's role is changed.
flash-retried = The mail is queued again.
flash-settings = Settings saved.
email-greeting = Dear { $name },
email-footer = This message was sent by Niaz, the East Azerbaijan exhibition of industry needs.
email-ignore = If you did not ask for this, you can ignore this message.
email-verify_subject = Confirm your email address for Niaz
email-verify_text = Open the link below to confirm your email address. It works once, for { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }.
email-verify_button = Confirm email
email-reset_subject = Set a new Niaz password
email-reset_text = Open the link below to set a new password. It works once, for { $hours ->
        [one] { $hours } hour
       *[other] { $hours } hours
    }.
email-reset_button = Set a new password
email-changed_subject = Your Niaz password was changed
email-changed_text = Your password was just changed and your other sessions were ended. If this was not you, set a new password at once with the link below.
email-invite_subject = An invitation to join a firm's account on Niaz
email-invite_text = A member of a firm verified on Niaz invited this address to join the firm's account. The invitation works for { $days ->
        [one] { $days } day
       *[other] { $days } days
    }; if you did not expect it, ignore this mail.
email-invite_firm = The firm, as registered:
email-invite_button = Accept the invitation

## Posting and review
nav-my_needs = Our needs
nav-review = Review
my-title = Our needs
my-new = Post a need
my-edit = Edit need
my-empty = You have not posted any need yet.
my-view = View
my-duplicate = Duplicate
my-withdraw = Withdraw
my-rejected = Sent back
my-form_lead = A draft can be saved incomplete; to send it for review, the description, category and yearly quantity are needed.
my-organization_id = Firm (posting on its behalf)
my-title_fa = Part title (Persian)
my-title_en = English title
my-hs_help = Four to ten digits, like 8482.10.10
my-specs_help = One per line, as “name: value”, e.g. “inner diameter: 25 mm”
my-unit = Unit
my-currency = Currency
my-origin_help = Two-letter code or name, like DE or Germany
my-deadline_help = Like 1405/06/31 or 2026-09-22
my-anonymous = Keep our name hidden until an introduction
my-submit = Send for review
my-publish = Publish
my-save_draft = Save draft
review-title = Needs awaiting review
review-reason = Reason (required to reject; mailed to the firm)
review-approve = Approve and publish
review-reject = Send back
review-empty = Nothing is waiting for review.
flash-submitted = The need has been sent for review.
flash-draft_saved = The draft is saved.
flash-withdrawn = The need has been withdrawn.
flash-approved = The need is approved and published.
flash-rejected = The need was sent back with the reason.
email-approved_subject = Your need is published on Niaz
email-approved_text = Your need “{ $title }” is approved and published; makers can see it now.
email-rejected_subject = Your need needs changes
email-rejected_text = An organizer sent your need “{ $title }” back with this note:
my-expires = until
my-renew = Renew
flash-renewed = The need is renewed for another period.
email-expiring_subject = Your need will soon leave the catalogue
email-expiring_text = Your need “{ $title }” expires on { $date }. If you still need it, renew it with one click:
error-not_renewable = Only published or expired needs can be renewed
import-title = Import a list of needs
import-lead = A CSV or XLSX file with a header row; columns in any order, only title and organization are required. Before anything is written you see every problem with its row and column.
import-file = File
import-status = Status of rows without a status
import-encoding = CSV text encoding
import-encoding_auto = Detect
import-check = Check the file
import-preview = Preview
import-counts = { $rows ->
        [one] { $rows } row read
       *[other] { $rows } rows read
    }: { $valid } valid, { $invalid } with problems.
import-problems = Problems (nothing is written until they are fixed):
import-more = and { $n ->
        [one] { $n } more problem
       *[other] { $n } more problems
    }.
import-skip_invalid = Import only the valid rows and leave the others out
import-confirm = Import { $n ->
        [one] { $n } row
       *[other] { $n } rows
    }
import-again = Upload another file
flash-imported = The list is imported and its needs are searchable.
nav-import = Import
error-upload_failed = The file did not arrive correctly
error-file_unreadable = The file could not be read; send CSV or XLSX
error-upload_gone = The uploaded file is gone; upload it again
error-import_has_errors = The file has problems; import the valid rows by choosing to leave the others out
error-image_invalid = The image could not be read
error-file_type = Only images (JPEG, PNG, WebP), PDF and CAD files (DXF, DWG, STEP, IGES) are accepted
error-too_many_files = A need can have at most 10 files
error-visibility_invalid = Visibility must be public or after an introduction
files-title = Drawings and photos
files-add = Add a file
files-visibility = Who may see it
files-public = Everyone
files-introduced = Only after an introduction (confidential)
files-upload = Upload
files-delete = Delete
files-help = Up to 20 MB and 10 files per need; images are saved again without their metadata.
files-hidden = Confidential drawings are shown after an introduction.
flash-file_added = The file has been added.
flash-file_removed = The file has been removed.
join-offer = Another firm already needs this part:
join-offer_help = Joining that need shows makers the province's whole demand in one place.
join-button = We need this too
join-post_anyway = Post our own need anyway
join-demand = { $n } firms need this part; { $q } a year together
join-done = Your firm has joined this need.
join-title = We need this part too
error-cannot_join = This need cannot be joined

## Errors
error-not_found = Page not found
error-not_found_help = The need may have been closed or removed, or the address is wrong. Try the catalogue.
error-internal = Something went wrong on our side
error-internal_help = The error has been logged. Please try again in a moment.
error-invalid = The input is not valid
error-bad_request = The request is not valid
error-unauthorized = Please log in to do this
error-forbidden = You are not allowed to do this
error-too_many_requests = Too many requests; please try again a little later
error-method_not_allowed = This request method is not allowed here
error-too_large = What was sent is too large
error-too_many_fields = The form carries more than one file or unknown fields
error-sheet_too_large = The file is larger than an import may be
error-sheet_too_many_rows = The sheet has more rows than one import may hold; split it into several files
error-sheet_too_many_columns = The sheet has a filled cell beyond the columns of the format (more than 64)
error-sheet_too_large_unpacked = The XLSX file unpacks to more than an import may hold
error-image_too_large = The image is too large; send it at a lower resolution
error-need_final = This need is closed or localized and can no longer be changed; you can duplicate it instead
error-code_reused = This code has been used already; enter the app's next code
error-code_locked = Too many wrong codes; please try again a little later
error-invite_not_allowed = Only members of a verified firm can invite colleagues
totp-start_lead = To turn it on, create a new key and scan it with an authenticator app.
totp-start = Create a two-step sign-in key
error-email_invalid = This is not a valid email address
error-email_taken = An account with this email already exists
error-password_short = The password must have at least 10 characters
error-password_long = The password is longer than 256 characters
error-password_common = This password is too common; choose another
error-password_wrong = The password is not correct
error-phone_invalid = This is not a valid phone number
error-role_choose = Choose one of the options
error-organization_required = The firm's name is required
error-login_failed = The email or password is not correct
error-code_invalid = The code is not correct or has expired
error-token_invalid = This link is not valid, has expired or was already used
error-email_unverified = Please confirm your email address first
error-totp_already = Two-step sign-in is already on
error-totp_not_started = Scan the QR code first
error-totp_required = This area needs two-step sign-in; turn it on from your account page
error-own_role = This role cannot be changed here
error-category_choose = Choose the part's category
error-reason_required = Write the reason, so the firm knows what to fix
error-not_pending = This need is not awaiting review
error-format_invalid = format must be csv or xlsx
search-export = Download the results:
error-column_unknown = unknown column
error-column_missing = this column is required and missing
error-ref_duplicate = this ref appears more than once in the file
error-unit_unknown = unknown unit (e.g. piece, kg, meter)
error-currency_unknown = currency must be one of IRR, USD, EUR, CNY, AED
error-status_unknown = unknown status
error-date_invalid = not a valid date; write it like 1403/07/15 or 2024-10-06
error-limit_invalid = limit must be a whole number from 1 to 100
error-query_too_long = The search text is longer than 500 characters
error-category_unknown = There is no such category
error-status_invalid = status must be one of published, in_talks, localized
error-country_unknown = Unknown country; use a two-letter code such as DE
error-boolean_invalid = The value must be true or false
error-sort_invalid = sort must be one of relevance, newest, value, deadline
error-page_invalid = The page number must be a positive whole number
error-lang = That language is not supported
error-required = This is required
error-number_invalid = This is not a valid number
error-number_positive = The number must be greater than zero
error-number_too_large = The number is too large
error-too_many_decimals = Too many decimal places for this currency
error-too_long = The text is too long
error-part_number_invalid = The part number must contain a letter or digit
error-hs_code_invalid = The HS code must have 4 to 10 digits, e.g. 8482.10.10

## Import problems
import-row_error = row { $row }, column { $column }: { $reason }{ $value }

## Processes
process-cnc_turning = CNC turning
process-cnc_milling = CNC milling
process-five_axis_machining = Five-axis machining
process-grinding = Grinding
process-edm = EDM and wire cutting
process-sand_casting = Sand casting
process-die_casting = Die casting
process-investment_casting = Investment casting
process-forging = Forging
process-sheet_metal = Sheet metal and pressing
process-laser_cutting = Laser cutting
process-welding = Welding
process-heat_treatment = Heat treatment
process-surface_coating = Coating and plating
process-injection_moulding = Injection moulding
process-rubber_moulding = Rubber moulding
process-extrusion = Extrusion
process-gear_cutting = Gear cutting
process-spring_making = Spring making
process-fasteners = Bolts and fasteners
process-electronics_assembly = Electronics assembly
process-pcb_design = PCB design
process-electrical_panels = Electrical panels
process-hydraulics = Hydraulic and pneumatic parts
process-reverse_engineering = Reverse engineering
process-3d_printing = 3D printing
process-mould_making = Mould and die making
process-composites = Composites
process-powder_metallurgy = Powder metallurgy
process-industrial_design = Industrial design

## Certifications
certification-iso_9001 = ISO 9001
certification-iso_14001 = ISO 14001
certification-iatf_16949 = IATF 16949
certification-national_standard = National standard mark
certification-ce = CE mark
certification-knowledge_based = Knowledge-based company

## Suppliers
suppliers-title = Makers
suppliers-lead = The province's workshops, manufacturers, inventors and labs, and what they can make.
suppliers-count = { $n ->
        [one] { $n } maker
       *[other] { $n } makers
    }
suppliers-empty = No maker matches these filters.
suppliers-filter = Filter
suppliers-process = Process
suppliers-city = City
suppliers-certification = Certificate
suppliers-any = Any
suppliers-apply = Apply
suppliers-verified = Verified
suppliers-summary = About
suppliers-materials = Materials
suppliers-machines = Main machines
suppliers-capacity = Capacity
suppliers-localized = Parts it has already localized
suppliers-no_contact = Makers' contact details are shared only when both sides agree, through an introduction by Niaz.
nav-suppliers = Makers
profile-title = Maker profile
profile-lead = Say what you make, so that firms find you. Your phone number and address are never shown on your profile.
profile-processes = Processes you do
profile-certifications = Certificates
profile-save = Save the profile
profile-public = Your public profile
profile-unverified = The profile becomes public once your email address is confirmed.
flash-profile_saved = The profile has been saved.
error-process_unknown = This process is not in the list
error-certification_unknown = This certificate is not in the list
error-profile_suppliers_only = Maker profiles are for maker accounts

## Offers and introductions
interest-title = I can make this
interest-lead = Tell the firm how you would make this part. Your contact details reach the firm only if it accepts your offer, through an introduction by Niaz.
interest-message = Your message
interest-message_help = Briefly: similar work, machines and how you would make it.
interest-processes = Processes you would use
interest-lead_time = Lead time (days)
interest-sample = I can make a sample
interest-sample_yes = Yes
interest-unit_price = Indicative unit price (optional)
interest-send = Send the offer
interest-update = Update the offer
interest-withdraw = Withdraw the offer
interest-accepted = Your offer was accepted and the introduction is made.
interest-cta = I can make this
interest_status-open = Awaiting an answer
interest_status-withdrawn = Withdrawn
interest_status-accepted = Accepted
interest_status-declined = Declined
offers-title = Makers' offers
offers-accept = Accept and introduce
offers-decline = Decline
offers-reason = Reason (optional, sent politely to the maker)
offers-empty = No offer yet.
offers-privacy = On acceptance Niaz introduces you and the maker by email and gives each side the other's contact details; before that, neither is shown.
offers-count = { $n ->
        [one] { $n } offer
       *[other] { $n } offers
    }
nav-introductions = Introductions
introductions-lead = The firms and makers Niaz introduced to you, with both sides' agreement.
introductions-empty = No introduction yet.
introductions-firm = Firm
introductions-maker = Maker
introductions-phone = Phone
flash-interest_sent = Your offer is recorded and sent to the firm.
flash-interest_withdrawn = Your offer has been withdrawn.
flash-introduced = Offer accepted; the introduction has been mailed to both sides.
flash-declined = Offer declined; the maker has been told.
error-days_invalid = The number of days must be between 1 and 3650
error-need_not_open = This need no longer takes offers
error-already_introduced = The introduction for this need has been made
error-interest_not_open = This offer no longer awaits an answer
email-interest_new_subject = A new offer for “{ $title }”
email-interest_new_text = { $supplier } offers to make “{ $title }”. See the offer, and accept it if you wish, so that Niaz introduces you:
email-interest_declined_subject = The firm's answer to your offer
email-interest_declined_text = Thank you for your offer to make “{ $title }”. The firm is following another offer this time.
email-interest_declined_more = Other needs are waiting for makers like you:
email-introduction_subject = Niaz introduction: { $title }
email-introduction_text = Both sides agreed: Niaz introduces you to each other for making “{ $title }”. The other side's contact details:
email-introduction_name = Name
email-introduction_organization = Organization
email-introduction_phone = Phone

## Follow-ups
outcome-negotiating = Negotiating
outcome-sample_made = A sample was made
outcome-contract_signed = A contract was signed
outcome-localized = The part is made here now
outcome-no_deal = No deal
followup-title = How did the introduction go?
followup-confirm = Your answer about “{ $title }”:
followup-record = Record the answer
followup-thanks = Your answer is recorded; thank you.
followup-invalid = This link no longer works (it was used or has expired). You can give the answer on the introductions page.
introductions-how = How did it go?
introductions-save = Save
introductions-they_say = The other side says
flash-outcome_recorded = Your answer is recorded.
error-outcome_unknown = This answer is not in the list
email-followup_subject = How did the introduction for “{ $title }” go?
email-followup_text = A few weeks ago Niaz introduced you for making “{ $title }”. Where does it stand? Choose one:
email-followup_site = You can change the answer later on this page:
home-introductions = { $n ->
        [one] introduction made
       *[other] introductions made
    }
suppliers-q = Search the makers
need-makers = Makers who could make this
suppliers-suspend = Suspend the maker
suppliers-report = Report this maker's conduct to the organizers
suppliers-report_reason = What happened?
suppliers-report_send = Send the report
admin-reports = Reports about makers
admin-no_reports = No report waits.
admin-dismiss = Close the report without suspending
flash-reported = Your report has been sent to the organizers.
flash-suspended = The decision about the maker is recorded.
flash-supplier_verified = The maker's profile is verified.
error-suspended = Your maker account is suspended; please contact the organizers
proposal-title = Proposed introduction
proposal-propose = Propose an introduction
proposal-to_maker = Niaz's organizers propose to introduce you to the firm that needs this part. If both sides accept, each receives the other's contact details.
proposal-to_firm = Niaz's organizers propose to introduce this maker for your need. If both sides accept, each receives the other's contact details.
proposal-accept = I accept
proposal-decline = I decline
proposal-waiting = Your answer is recorded; the other side has not answered yet.
proposal-closed = This proposal is closed.
flash-proposed = The proposed introduction has been mailed to both sides.
flash-proposal_accepted = Your acceptance is recorded; the introduction happens when the other side accepts too.
flash-proposal_declined = The proposal is declined.
error-supplier_unknown = This maker is not in the public directory
error-already_proposed = This introduction was already proposed or made
error-proposal_closed = This proposal is closed
email-proposal_subject = A proposed introduction for “{ $title }”
email-proposal_text = Niaz's organizers propose an introduction for making “{ $title }”. See the proposal and answer; the introduction happens only when both sides accept:
proposal-need_number = Need number
profile-photos = Past work
profile-photo_add = Add a photo of past work
profile-photo_help = Up to 8 photos (JPEG, PNG or WebP); photos are saved again without their metadata.
flash-photo_added = The photo has been added.
flash-photo_removed = The photo has been removed.
error-profile_first = Save the profile first, then add photos
error-too_many_photos = A profile has at most 8 photos of past work
error-photo_type = Only photos (JPEG, PNG or WebP) are accepted

## Alerts
alerts-title = Alerts
alerts-intro = Niaz mails you new needs that match your saved searches or your maker profile: each need once, and no more mails a day than the set limit. The rest come in the daily digest.
alerts-saved = Saved searches
alerts-none = No saved searches yet. Press "Alert me" on the search page.
alerts-go_search = Go to search
alerts-max = At most { $n } saved searches.
alerts-name = Name
alerts-frequency = Mail
alerts-frequency_instant = At once
alerts-frequency_daily = Daily digest
alerts-frequency_weekly = Weekly digest
alerts-pause = Paused
alerts-paused = Paused
alerts-update = Update
alerts-delete = Delete
alerts-feed = Atom feed
alerts-mail_choices = Mail choices
alerts-matches = New needs I could make (from my profile)
alerts-matches_help = When a need is published that matches the processes, materials and text of your profile.
alerts-interest_mail = New offers on our firm's needs
alerts-interest_each = One mail per offer
alerts-interest_daily = Daily digest
alerts-interest_off = No mail
alerts-alert_me = Alert me
alerts-save = Save alert
alerts-sign_in = Sign in to get alerts
alerts-verify_first = Confirm your email address first to get alerts.
alerts-all_needs = All needs
alerts-field_name = Name
alerts-field_frequency = Mail
alerts-field_query = Search
alerts-field_q = Search
alerts-field_category = Category
alerts-field_status = Status
alerts-field_origin = Origin country
alerts-field_has_drawing = Drawing
alerts-field_interest_mail = Offers
flash-alert_saved = Search saved; we will tell you of new needs it finds.
flash-alert_updated = Alert updated.
flash-alert_deleted = Alert deleted.
flash-alert_preferences = Mail choices saved.
error-alert_query_invalid = This search cannot be read.
error-alert_name_too_long = The name is at most 80 characters.
error-alert_frequency_invalid = Choose one of the options.
error-alerts_too_many = You cannot save more than 20 searches; delete one first.
error-link_invalid = This link is not valid; perhaps it was copied in part. Manage your alerts from your account page.
error-link_expired = This link has expired. Manage your alerts from your account page.
unsubscribe-title = Unsubscribe
unsubscribe-preview = This button turns off:
unsubscribe-button = Unsubscribe
unsubscribe-done = Turned off:
unsubscribe-undo_help = A mistake? One click turns it back on.
unsubscribe-undo = Turn back on
unsubscribe-undone = Turned back on:
unsubscribe-manage = Manage all alerts
unsubscribe-what_matches = mail about needs matching your profile
unsubscribe-what_search = mail of the saved search "{ $name }"
unsubscribe-what_alerts = all alerts and digests
unsubscribe-what_interests = mail about new offers on your firm's needs
email-alert_search_subject = New need: { $title }
email-alert_match_subject = A need you could make: { $title }
email-alert_search_text = Your saved search "{ $search }" found this new need:
email-alert_match_text = This need was just published and matches your maker profile:
email-digest_daily_subject = Niaz daily digest: { $n } new needs
email-digest_weekly_subject = Niaz weekly digest: { $n } new needs
email-digest_text = New needs matching your searches or your profile:
email-interest_digest_subject = { $n } new offers on your firm's needs
email-interest_digest_text = Makers have offered to make these needs of your firm:
email-alerts_manage = Manage alerts:
email-unsubscribe = One-click unsubscribe:

## Exhibition
nav-exhibitions = Exhibitions
exhibitions-title = Editions of the exhibition
exhibitions-intro = Each edition of the exhibition of industry needs shows firms' chosen needs in halls and booths, for inventors and domestic makers to take on.
exhibitions-none = No edition yet.
exhibitions-admin_title = Editions of the exhibition
exhibitions-new = New edition
edition-status = Status
edition-status_planned = Planned
edition-status_open = Open
edition-status_closed = Closed
edition-title_fa = Persian title
edition-title_en = English title
edition-slug = Short address
edition-slug_help = Lower-case Latin letters, digits and hyphens, e.g. tabriz-1405
edition-starts_on = First day
edition-ends_on = Last day
edition-date_help = Jalali (1405/08/20) or Gregorian (2026-11-11)
edition-venue = Venue
edition-description = Description
edition-dates = Dates
edition-public_page = Public page
edition-details = Details of the edition
edition-catalogue = Printed catalogue
edition-cards = Booth cards
edition-screen = Venue screen
edition-results = Results of this edition
edition-so_far = So far
edition-needs = Needs shown
edition-interests = Offers to make
edition-introductions = Introductions
edition-localized = Parts now made here
edition-other_needs = Other needs
edition-booth = Booth
edition-empty = No need has been added to this edition yet.
edition-contents = Contents
edition-index_category = Index by category
edition-index_part = Index by part number
edition-cover_count = { $n } imported needs for domestic production
edition-cover_value = Annual import value:
edition-print_hint = Use the browser's print command to print or save as PDF (A4).
edition-cards_hint = Each card is an A5 page; print with the browser's print command.
edition-card_call = Can you make it? Scan the code:
edition-add_needs = Add needs
edition-from_search = Every result of a search
edition-from_search_help = Paste the part after ? of a search page's address; up to 500 public needs are added.
edition-one_need = One need by its number
edition-add = Add
edition-number = No.
edition-need_title = Need
edition-placement = Section, booth and order
edition-section = Section
edition-position = Order
edition-remove = Remove
edition-sections = Sections (halls or themes)
edition-section_fa = Persian name of the section
edition-section_en = English name of the section
edition-add_section = Add section
edition-shown_at = At the exhibition
flash-edition_saved = Edition saved.
flash-section_added = Section added.
flash-needs_added = Needs added.
flash-entry_saved = Placement saved.
flash-entry_removed = Need removed from this edition.
error-slug_invalid = Only lower-case Latin letters, digits and hyphens (60 characters at most).
error-slug_taken = Another edition has this address.
error-booth_invalid = A booth code is at most 12 Latin letters, digits and hyphens.
error-ends_before_start = The last day is before the first.
error-search_too_broad = A search without words or filters brings every need; give at least one word or filter.
error-need_not_public = No published need has this number.
error-position_invalid = The order is a number from 1 to 100,000.
error-section_unknown = This section is not part of this edition.

## Audit log
audit-title = Staff audit log
audit-intro = Every successful action of organizers and admins (reviews, roles, verifications, imports, exhibitions, ...) and command-line commands are recorded here.
audit-actor = Who
audit-action = Action
audit-target = On
audit-outcome = Outcome
audit-when = When
audit-from = From
audit-to = To
audit-any = Any
audit-filter = Show
audit-count = { $n } entries
audit-none = Nothing recorded matches these filters.

## Reports
reports-title = Exhibition figures
reports-intro = Every figure is counted from the records; amounts are shown in their own currency, never converted.
reports-csv = Download CSV
reports-label = Label
reports-value = Value
reports-nothing = Nothing recorded yet.
reports-unknown = Unknown
reports-open = Open
reports-localized = Localized
reports-since = since
reports-waiting = Oldest needs without an offer
reports-by_status = Needs by status
reports-by_category = Public needs by category
reports-by_city = Public needs by city
reports-by_origin = Public needs by origin country
reports-value_totals = Annual import value of open and localized needs
reports-value_by_category = Annual import value of open needs by category
reports-interests_by_month = Offers to make, by month
reports-introductions_by_month = Introductions by month
reports-outcomes = Outcomes of introductions
reports-outcome_none = No answer yet
reports-outcome_negotiating = Negotiating
reports-outcome_sample_made = Sample made
reports-outcome_contract_signed = Contract signed
reports-outcome_localized = Made in the province now
reports-outcome_no_deal = No deal
reports-active_firms = Firms with the most public needs
reports-active_makers = Makers with the most offers
edition-announce = Announce to makers
edition-announce_help = Mails this edition to makers who asked for news of the exhibition: all of them, or one city's, or one process's. Each maker once; the mails go out at a limited rate.
edition-announce_city = Only makers in this city
edition-announce_process = Only makers doing this process
edition-announce_send = Send the announcement
edition-featured = On the home page
flash-announced = The announcement is queued.
unsubscribe-what_news = news of the exhibition
email-announcement_subject = Industry needs exhibition: { $title }
email-announcement_text = A new edition of the industry needs exhibition is on. See the parts the province's industry imports and offer to make them:
email-announcement_button = See the needs of this edition
edition-add_results = Add all these results to the edition
search-results_heading = Needs found
search-landmark_site = Search all needs
search-landmark_page = This search and its filters
need-deadline_passed = Deadline passed
need-deadline_passed_help = The firm's deadline for offers has passed; the need is still listed and open to offers until the firm closes it or it expires.
error-deadline_past = This date has passed; give a deadline in the future or leave it empty.

## Firms
firm-edit_title = Firm profile
firm-public_page = Public page
firm-city = City
firm-city_help = The firm's needs show this city and are found by the city filter.
firm-province = Province
firm-website = Website
firm-description = About the firm
firm-no_city = Your firm's city is not set: your needs are not found by the city filter.
firm-list_title = Firms
firm-name = Name
firm-need_count = Needs
firm-members = Members
firm-merge = Merge into
firm-merge_into = Number of the firm to merge this one into
firm-merge_help = Merge a firm registered twice into the other: its needs and members move to the target firm and it is deleted; the staff audit log records it.
flash-firm_saved = Firm profile saved.
flash-firms_merged = The two firms were merged.
error-website_invalid = The full address of the website, with http:// or https://
error-merge_same = A firm cannot be merged into itself.
error-firm_unknown = No firm has this number.
need-category_choose = — choose a category —
files-choose = Choose drawings and photos
files-with_form_help = Up to five files with this form (20 MB each); add more later on the need's page.
error-files_again = The files were not saved; choose them again once the errors are fixed
search-reference = The need imported with the reference
search-same_part_first = This part is posted { $n } times on this page
search-same_part_total = combined yearly quantity:
search-same_part_next = The same part as the need before this one, from another firm or spelt differently
synonyms-title = Search synonyms
synonyms-lead = The words and phrases of one line find each other when searching: whoever types "gearbox" also sees needs for a "gear reducer" or a "گیربکس".
synonyms-extra = Organizers' groups
synonyms-help = One group a line, entries separated by commas, e.g.: solenoid valve, شیر برقی. At least two entries a group, up to four words an entry, up to 500 groups. Searches use them as soon as they are saved.
synonyms-defaults = Default groups
synonyms-line = Line { $line }
error-synonyms_one_entry = Each group needs at least two words or phrases separated by commas
error-synonyms_entry_long = An entry may have at most four words and 60 characters
error-synonyms_too_many = At most 500 groups
flash-synonyms_saved = Synonyms saved; searches use them from now on.
admin-synonyms = Search synonyms
search-partial_heading = Needs that match some of the words
search-partial_lead = These needs lack some of the words searched for; those matching more words, in their title or part number, come first.
