from django.urls import path

from review.views import (
    bundles,
    committee,
    complex_notices,
    complex_register,
    exclusions,
    hearing,
    layers,
    manage,
    national,
    notices,
    register,
    rereview,
    results,
    reviewer,
    search,
    selection,
    site_visits,
    statistics,
)

app_name = "review"

urlpatterns = [
    path("manage/search/", search.search, name="search"),
    path("manage/statistics/", statistics.statistics, name="statistics"),
    path("manage/calls/<int:pk>/intake/bundle/", bundles.intake_bundle, name="intake_bundle"),
    path("review/calls/<int:pk>/bundle/", bundles.blind_bundle, name="blind_bundle"),
    path("bundles/<int:pk>/", bundles.bundle_detail, name="bundle"),
    path("bundles/<int:pk>/status/", bundles.bundle_status, name="bundle_status"),
    path("bundles/<int:pk>/download/", bundles.bundle_download, name="bundle_download"),
    path("review/calls/<int:pk>/pledge/", reviewer.pledge, name="pledge"),
    path("review/assignments/<int:pk>/", reviewer.assignment_detail, name="assignment"),
    path("review/assignments/<int:pk>/attachments/<int:attachment_id>/", reviewer.attachment, name="attachment"),
    path("review/assignments/<int:pk>/pdf/", reviewer.review_pdf, name="review_pdf"),
    path("applications/<int:pk>/exclusions/", exclusions.exclusion_list, name="exclusions"),
    path(
        "applications/<int:pk>/exclusions/<int:exclusion_pk>/remove/",
        exclusions.exclusion_remove,
        name="exclusion_remove",
    ),
    path("manage/calls/<int:pk>/review/", manage.overview, name="overview"),
    path("manage/calls/<int:pk>/review/assign/", manage.auto_assign, name="auto_assign"),
    path("manage/calls/<int:pk>/review/panels/<slug:field_code>/", manage.panel, name="panel"),
    path("manage/candidates/<int:pk>/assign/", manage.candidate_assign, name="candidate_assign"),
    path("manage/candidates/<int:pk>/aggregate/", manage.candidate_aggregate, name="aggregate"),
    path("review/candidates/<int:pk>/site-visits/", site_visits.site_visit_list, name="site_visits"),
    path("review/site-visits/photos/<int:pk>/", site_visits.site_visit_photo, name="site_visit_photo"),
    # -- subcommittee and technical coordination committee --
    path("manage/calls/<int:pk>/committee/", committee.index, name="committee"),
    path("manage/calls/<int:pk>/committee/confirm/", committee.confirm, name="committee_confirm"),
    path("manage/calls/<int:pk>/committee/<slug:field_code>/", committee.field, name="committee_field"),
    path(
        "manage/calls/<int:pk>/committee/<slug:field_code>/scores.xlsx", committee.score_sheet, name="committee_scores"
    ),
    path("manage/calls/<int:pk>/committee/<slug:field_code>/book/", committee.book_create, name="committee_book"),
    path(
        "manage/calls/<int:pk>/committee/<slug:field_code>/book/<int:book_id>/",
        committee.book_status,
        name="committee_book_status",
    ),
    path(
        "manage/calls/<int:pk>/committee/<slug:field_code>/book/<int:book_id>/download/",
        committee.book_download,
        name="committee_book_download",
    ),
    # -- hearing --
    path("calls/<int:pk>/hearing/", hearing.hearing_list, name="hearing"),
    path("hearing/candidates/<int:pk>/", hearing.hearing_candidate, name="hearing_candidate"),
    path("manage/calls/<int:pk>/hearing/", hearing.hearing_manage, name="hearing_manage"),
    path("manage/hearing/comments/<int:pk>/answer/", hearing.hearing_answer, name="hearing_answer"),
    # -- national committee, notice, register --
    path("manage/calls/<int:pk>/national/", national.meeting_list, name="national_meetings"),
    path("manage/national/meetings/<int:pk>/", national.meeting_detail, name="national_meeting"),
    path("manage/national/meetings/<int:pk>/close/", national.meeting_close, name="national_meeting_close"),
    path("manage/national/resolutions/<int:pk>/correct/", national.resolution_correct, name="resolution_correct"),
    path("manage/calls/<int:pk>/notices/", notices.notice_list, name="notices"),
    path("manage/notices/<int:pk>/", notices.notice_edit, name="notice_edit"),
    path("manage/notices/<int:pk>/amend/", notices.notice_amend, name="notice_amend"),
    path("manage/notices/<int:pk>/revoke/", notices.notice_revoke, name="notice_revoke"),
    path("manage/notices/<int:pk>/publish/", notices.notice_publish, name="notice_publish"),
    path("manage/notices/<int:pk>/pdf-retry/", notices.notice_pdf_retry, name="notice_pdf_retry"),
    path("manage/notice-items/<int:pk>/", notices.notice_item, name="notice_item"),
    path("manage/notice-items/<int:pk>/remove/", notices.notice_item_remove, name="notice_item_remove"),
    path("notices/<int:pk>/", register.notice_public, name="notice_public"),
    path("notices/<int:pk>/pdf/", register.notice_pdf, name="notice_pdf"),
    path("register/", register.register, name="register"),
    path("register/<int:pk>/", register.register_entry, name="register_entry"),
    # -- the complexes of a complex call's notice, and the register of designated complexes --
    path("manage/complex-notice-items/<int:pk>/", complex_notices.complex_item, name="complex_notice_item"),
    path(
        "manage/complex-notice-items/<int:pk>/remove/",
        complex_notices.complex_item_remove,
        name="complex_notice_item_remove",
    ),
    path("manage/notices/<int:pk>/complex-change/", complex_notices.complex_amend, name="complex_notice_amend"),
    path("register/complexes/", complex_register.complex_register, name="complex_register"),
    path("register/complexes/<str:number>/", complex_register.complex_entry, name="complex_register_entry"),
    path(
        "manage/register/complexes/<str:number>/", complex_register.complex_entry_change, name="complex_register_change"
    ),
    # -- an international R&D call's evaluation layers --
    path("manage/calls/<int:pk>/layers/", layers.setup, name="layers_setup"),
    path("manage/calls/<int:pk>/layers/dashboard/", layers.dashboard, name="layers"),
    path("manage/calls/<int:pk>/layers/<int:number>/assign/", layers.assign, name="layer_assign"),
    path("manage/calls/<int:pk>/layers/<int:number>/close/", layers.close, name="layer_close"),
    path("manage/calls/<int:pk>/layers/<int:number>/computed/", layers.computed, name="layer_computed"),
    path("manage/calls/<int:pk>/layers/<int:layer>/panels/<slug:field_code>/", manage.panel, name="layer_panel"),
    path("review/assignments/<int:pk>/judgement/", layers.judgement, name="layer_judgement"),
    # -- the international R&D selection within quotas, and the public list of selected candidates --
    path("manage/calls/<int:pk>/selection/", selection.selection_overview, name="selection"),
    path("manage/categories/<int:pk>/proposal/", selection.selection_proposal, name="selection_proposal"),
    path("manage/selection/meetings/<int:pk>/", selection.selection_meeting, name="selection_meeting"),
    path(
        "manage/selection/meetings/<int:pk>/proposals/<int:proposal_pk>/decide/",
        selection.selection_decide,
        name="selection_decide",
    ),
    path(
        "manage/selection/meetings/<int:pk>/categories/<int:category_pk>/close/",
        selection.selection_category_close,
        name="selection_category_close",
    ),
    path(
        "manage/selection/meetings/<int:pk>/close/", selection.selection_meeting_close, name="selection_meeting_close"
    ),
    path("register/international/", selection.rnd_selected, name="rnd_selected"),
    # -- results and objections --
    path("applications/<int:pk>/objection/", results.objection_lodge, name="objection_lodge"),
    path("applications/<int:pk>/evaluation/", results.evaluation, name="evaluation_summary"),
    path("manage/calls/<int:pk>/objections/", results.objection_list, name="objection_list"),
    path("manage/objections/<int:pk>/", results.objection_manage, name="objection_manage"),
    path("review/objections/<int:pk>/", results.objection_opinion, name="objection_opinion"),
    path("review/re-reviews/<int:pk>/", rereview.re_review_detail, name="re_review"),
    path(
        "review/re-reviews/<int:pk>/attachments/<int:attachment_id>/",
        rereview.re_review_attachment,
        name="re_review_attachment",
    ),
]
