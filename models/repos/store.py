"""Every repository over one database, built once per process (`Services.repos`).

Repositories hold nothing but the database, so one instance each serves every turn; code
reaches them as `services.repos.register` instead of building `RegisterRepo(services.db)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.db import Database
from models.repos.audit import AuditRepo
from models.repos.contacts import ContactRepo
from models.repos.customer_groups import CustomerGroupRepo
from models.repos.deliveries import DeliveryRepo
from models.repos.dialogs import DialogRepo
from models.repos.feedback import FeedbackRepo
from models.repos.followups import FollowupRepo
from models.repos.intake import IntakeRepo
from models.repos.job_pages import JobPagesRepo
from models.repos.origin_stats import OriginStatsRepo
from models.repos.origins import OriginRepo
from models.repos.outbox import OutboxRepo
from models.repos.outcomes import OutcomeRepo
from models.repos.outreach import OutreachRepo
from models.repos.postings import PostingRepo
from models.repos.queue import QueueRepo
from models.repos.register import RegisterRepo
from models.repos.seekers import SeekerRepo
from models.repos.staff import StaffRepo
from models.repos.stats import StatsRepo
from models.repos.text_vectors import TextVectorRepo
from models.repos.users import UserRepo
from models.repos.web_sessions import WebSessionRepo
from models.repos.wechat import WeChatRepo
from models.repos.wecom_kf import WeComKfRepo
from models.repos.workers import WorkerRepo


@dataclass(frozen=True, slots=True)
class Repos:
    """One of each repository, all over the same database."""

    audit: AuditRepo
    contacts: ContactRepo
    customer_groups: CustomerGroupRepo
    deliveries: DeliveryRepo
    dialogs: DialogRepo
    feedback: FeedbackRepo
    followups: FollowupRepo
    intake: IntakeRepo
    job_pages: JobPagesRepo
    origin_stats: OriginStatsRepo
    origins: OriginRepo
    outbox: OutboxRepo
    outcomes: OutcomeRepo
    outreach: OutreachRepo
    postings: PostingRepo
    queue: QueueRepo
    register: RegisterRepo
    seekers: SeekerRepo
    staff: StaffRepo
    stats: StatsRepo
    text_vectors: TextVectorRepo
    users: UserRepo
    web_sessions: WebSessionRepo
    wechat: WeChatRepo
    wecom_kf: WeComKfRepo
    workers: WorkerRepo

    @classmethod
    def over(cls, db: Database) -> Repos:
        """Build every repository over `db`."""
        return cls(
            audit=AuditRepo(db),
            contacts=ContactRepo(db),
            customer_groups=CustomerGroupRepo(db),
            deliveries=DeliveryRepo(db),
            dialogs=DialogRepo(db),
            feedback=FeedbackRepo(db),
            followups=FollowupRepo(db),
            intake=IntakeRepo(db),
            job_pages=JobPagesRepo(db),
            origin_stats=OriginStatsRepo(db),
            origins=OriginRepo(db),
            outbox=OutboxRepo(db),
            outcomes=OutcomeRepo(db),
            outreach=OutreachRepo(db),
            postings=PostingRepo(db),
            queue=QueueRepo(db),
            register=RegisterRepo(db),
            seekers=SeekerRepo(db),
            staff=StaffRepo(db),
            stats=StatsRepo(db),
            text_vectors=TextVectorRepo(db),
            users=UserRepo(db),
            web_sessions=WebSessionRepo(db),
            wechat=WeChatRepo(db),
            wecom_kf=WeComKfRepo(db),
            workers=WorkerRepo(db),
        )
