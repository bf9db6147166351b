from smtplib import SMTPException

from celery import shared_task

from . import services


@shared_task(
    autoretry_for=(SMTPException, ConnectionError), retry_backoff=True, retry_kwargs={"max_retries": 5}, acks_late=True
)
def send_invitation_email(invitation_id: int) -> None:
    services.send_invitation(invitation_id=invitation_id)
