from django.urls import path

from surveys.views import distribution, manage, public

app_name = "surveys"

urlpatterns = [
    path("calls/", public.call_list, name="call_list"),
    path("calls/<int:pk>/", public.call_detail, name="call_detail"),
    path("calls/<int:pk>/guidance/<int:file_pk>/", public.guidance_download, name="guidance_download"),
    path("calls/<int:pk>/briefings/<int:briefing_pk>/materials/", public.briefing_materials, name="briefing_materials"),
    path("calls/<int:pk>/questions/", public.ask_question, name="ask_question"),
    path("manage/calls/", manage.survey_list, name="manage_list"),
    path("manage/calls/new/", manage.survey_new, name="manage_new"),
    path("manage/calls/<int:pk>/", manage.survey_detail, name="manage_detail"),
    path("manage/calls/<int:pk>/edit/", manage.survey_edit, name="manage_edit"),
    path("manage/calls/<int:pk>/criteria/", manage.criteria_edit, name="manage_criteria"),
    path("manage/calls/<int:pk>/questions/", manage.questions_edit, name="manage_questions"),
    path("manage/calls/<int:pk>/guidance/", manage.guidance_add, name="manage_guidance"),
    path("manage/calls/<int:pk>/guidance/<int:file_pk>/delete/", manage.guidance_delete, name="manage_guidance_delete"),
    path("manage/calls/<int:pk>/briefings/new/", manage.briefing_edit, name="manage_briefing_new"),
    path("manage/calls/<int:pk>/briefings/<int:briefing_pk>/", manage.briefing_edit, name="manage_briefing_edit"),
    path("manage/calls/<int:pk>/preview/", manage.survey_preview, name="manage_preview"),
    path("manage/calls/<int:pk>/stage/", manage.survey_stage, name="manage_stage"),
    path("manage/calls/<int:pk>/recipients/", distribution.recipients, name="manage_recipients"),
    path("manage/calls/<int:pk>/recipients/import/", distribution.recipients_upload, name="manage_recipients_import"),
    path("manage/calls/<int:pk>/invitations/", distribution.invitations, name="manage_invitations"),
    path("manage/calls/<int:pk>/recipients/<int:recipient_pk>/resend/", distribution.invitation_resend_view, name="manage_invitation_resend"),
    path("manage/calls/<int:pk>/questions-asked/", distribution.inquiries, name="manage_inquiries"),
    path("manage/calls/<int:pk>/questions-asked/<int:inquiry_pk>/", distribution.inquiry_answer_view, name="manage_inquiry_answer"),
]
