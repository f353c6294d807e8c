from django.urls import path

from review.views import manage, reviewer

app_name = "review"

urlpatterns = [
    path("review/calls/<int:pk>/pledge/", reviewer.pledge, name="pledge"),
    path("review/assignments/<int:pk>/", reviewer.assignment_detail, name="assignment"),
    path("review/assignments/<int:pk>/attachments/<int:attachment_id>/", reviewer.attachment, name="attachment"),
    path("review/assignments/<int:pk>/pdf/", reviewer.review_pdf, name="review_pdf"),
    path("manage/calls/<int:pk>/review/", manage.overview, name="overview"),
    path("manage/calls/<int:pk>/review/assign/", manage.auto_assign, name="auto_assign"),
    path("manage/calls/<int:pk>/review/panels/<slug:field_code>/", manage.panel, name="panel"),
    path("manage/candidates/<int:pk>/assign/", manage.candidate_assign, name="candidate_assign"),
    path("manage/candidates/<int:pk>/aggregate/", manage.candidate_aggregate, name="aggregate"),
    # -- subcommittee and technical coordination committee --
    # -- hearing --
    # -- national committee, notice, register --
    # -- results and objections --
]
