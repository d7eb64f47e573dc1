"""The workflow's addresses (included by plans.urls, namespace "plans")."""

from django.urls import path

from plans.workflow import views

urlpatterns = [
    # The steps (POST only).
    path("<int:pk>/gui-tham-dinh/", views.submit, name="submit"),
    path("<int:pk>/tra-lai/", views.return_, name="return"),
    path("<int:pk>/phe-duyet/", views.approve, name="approve"),
    path("<int:pk>/ban-hanh/", views.issue, name="issue"),
    path("<int:pk>/mo-lai/", views.reopen, name="reopen"),
    path("<int:pk>/lan-ban-hanh-moi/", views.new_revision, name="new_revision"),
    # The review page: status, steps, history and the comments beside the rows.
    path("<int:pk>/y-kien/", views.review, name="comments"),
    path("<int:pk>/y-kien/them/", views.comment_add, name="comment_add"),
    path("<int:pk>/y-kien/<int:comment_pk>/tra-loi/", views.comment_answer, name="comment_answer"),
    path("<int:pk>/y-kien/<int:comment_pk>/da-xu-ly/", views.comment_resolve, name="comment_resolve"),
    # The inbox.
    path("hop-thu/", views.inbox, name="inbox"),
    path("hop-thu/<int:notification_pk>/", views.inbox_open, name="inbox_open"),
    path("hop-thu/doc-het/", views.inbox_read_all, name="inbox_read_all"),
]
