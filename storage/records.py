"""Workspaces, the audit log and small named state (kv): the bot's own records."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase
from storage.models import (
    AuditEntry,
    KeyValue,
    Subscription,
    Workspace,
)


class RecordStore(StoreBase):
    """Workspaces, audit entries and key-value state."""

    # -- workspaces and audit -------------------------------------------------

    def ensure_workspace(self, platform: str, workspace_id: str, name: str = "") -> Workspace:
        try:
            return self._ensure_workspace(platform, workspace_id, name)
        except IntegrityError:  # another thread or process inserted it just now
            return self._ensure_workspace(platform, workspace_id, name)

    def _ensure_workspace(self, platform: str, workspace_id: str, name: str | None) -> Workspace:
        with self.session() as s:
            ws = s.scalar(
                select(Workspace).where(
                    Workspace.platform == platform, Workspace.workspace_id == workspace_id
                )
            )
            if ws is None:
                ws = Workspace(platform=platform, workspace_id=workspace_id, name=name)
                s.add(ws)
            else:
                ws.active = True
                if name:
                    ws.name = name
            s.flush()
            return ws

    def deactivate_workspace(self, platform: str, workspace_id: str, reason: str) -> int:
        """Mark a workspace gone and pause its subscriptions; returns how many were paused."""
        with self.session() as s:
            s.execute(
                update(Workspace)
                .where(Workspace.platform == platform, Workspace.workspace_id == workspace_id)
                .values(active=False)
            )
            res = s.execute(
                update(Subscription)
                .where(
                    Subscription.platform == platform,
                    Subscription.workspace_id == workspace_id,
                    Subscription.paused.is_(False),
                )
                .values(paused=True, pause_reason=reason)
            )
            return res.rowcount or 0

    def audit(
        self, platform: str, workspace_id: str, user_id: str, action: str, **detail: Any
    ) -> None:
        with self.session() as s:
            s.add(
                AuditEntry(
                    platform=platform,
                    workspace_id=workspace_id,
                    user_id=user_id,
                    action=action,
                    detail={k: v for k, v in detail.items() if v is not None},
                )
            )

    def audit_log(self, platform: str, workspace_id: str, limit: int = 50) -> list[AuditEntry]:
        with self.session() as s:
            return list(
                s.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.platform == platform, AuditEntry.workspace_id == workspace_id)
                    .order_by(AuditEntry.id.desc())
                    .limit(limit)
                )
            )

    # -- small state ------------------------------------------------------------------------

    def kv_get(self, namespace: str, name: str) -> dict[str, Any] | None:
        with self.session() as s:
            row = s.scalar(
                select(KeyValue).where(KeyValue.namespace == namespace, KeyValue.name == name)
            )
            return None if row is None else dict(row.value)

    def kv_put(self, namespace: str, name: str, value: dict[str, Any]) -> None:
        with self.session() as s:
            row = s.scalar(
                select(KeyValue).where(KeyValue.namespace == namespace, KeyValue.name == name)
            )
            if row is None:
                try:
                    with s.begin_nested():
                        s.add(KeyValue(namespace=namespace, name=name, value=value))
                except IntegrityError:
                    row = s.scalar(
                        select(KeyValue).where(
                            KeyValue.namespace == namespace, KeyValue.name == name
                        )
                    )
            if row is not None:
                row.value = value

    def kv_delete(self, namespace: str, name_prefix: str = "") -> int:
        with self.session() as s:
            res = s.execute(
                delete(KeyValue).where(
                    and_(KeyValue.namespace == namespace, KeyValue.name.startswith(name_prefix))
                )
            )
            return res.rowcount or 0
