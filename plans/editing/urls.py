"""Writing a plan in the browser (included by plans.urls, namespace "plans")."""

from django.urls import path

from plans.editing import views

urlpatterns = [
    path("tao-moi/", views.create, name="create"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/thoi-han/", views.deadline_preview, name="deadline_preview"),
    # The decision's parts and the table heading (one card each).
    path("<int:pk>/sua/quyet-dinh/", views.edit_decision, name="edit_decision"),
    path("<int:pk>/sua/can-cu/", views.edit_legal_bases, name="edit_legal_bases"),
    path("<int:pk>/sua/dieu/", views.edit_articles, name="edit_articles"),
    path("<int:pk>/sua/noi-nhan/", views.edit_recipients, name="edit_recipients"),
    path("<int:pk>/sua/tieu-de-bang/", views.edit_table_heading, name="edit_table_heading"),
    # Sections.
    path("<int:pk>/sua/muc/them/", views.edit_section_add, name="edit_section_add"),
    path("<int:pk>/sua/muc/<int:section_pk>/", views.edit_section_row, name="edit_section_row"),
    path("<int:pk>/sua/muc/<int:section_pk>/sua/", views.edit_section_form, name="edit_section_form"),
    path("<int:pk>/sua/muc/<int:section_pk>/di-chuyen/", views.edit_section_move, name="edit_section_move"),
    path("<int:pk>/sua/muc/<int:section_pk>/xoa/", views.edit_section_delete, name="edit_section_delete"),
    # Rows and sub-items.
    path("<int:pk>/sua/muc/<int:section_pk>/them-noi-dung/", views.edit_task_add, name="edit_task_add"),
    path("<int:pk>/sua/noi-dung/<int:task_pk>/", views.edit_task_row, name="edit_task_row"),
    path("<int:pk>/sua/noi-dung/<int:task_pk>/sua/", views.edit_task_form, name="edit_task_form"),
    path("<int:pk>/sua/noi-dung/<int:task_pk>/di-chuyen/", views.edit_task_move, name="edit_task_move"),
    path("<int:pk>/sua/noi-dung/<int:task_pk>/xoa/", views.edit_task_delete, name="edit_task_delete"),
]
