"""A case handled by one or two units, each reply with its evidence photos, driven through
the real services up to publication: for the tests of what the citizen sees of the result."""

from io import BytesIO

from django.core.files.base import ContentFile
from PIL import Image

from tests.conftest import MONDAY
from tests.workflow import drive
from workflow import services
from workflow.models import Case, DraftPhoto

REPLY = "Đã thay bóng đèn."


def jpeg(colour: tuple[int, int, int] = (10, 120, 200)) -> ContentFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def handled(p, *, units=None, photos: int = 1, now=MONDAY, **kwargs) -> Case:
    """Dispatched to `units` (roads by default), each drafting with `photos` photos and
    approved by its leader: the case waits to be published."""
    units = units or [p.roads]
    case = drive.assigned(p, now, units=units, **kwargs)
    people = {p.roads: (p.roads_staff, p.roads_leader), p.power: (p.power_staff, p.power_leader)}
    for unit in units:
        staff, leader = people[unit]
        assignment = drive.assignment_of(case, unit)
        services.accept_assignment(assignment_id=assignment.pk, actor=staff,
                                   now=now + 3 * drive.STEP)
        services.submit_draft(assignment_id=assignment.pk, actor=staff, now=now + 4 * drive.STEP,
                              body=REPLY, photos=[jpeg() for _ in range(photos)])
        services.approve_assignment(assignment_id=assignment.pk, actor=leader,
                                    now=now + 5 * drive.STEP)
    return Case.objects.get(pk=case.pk)


def published(p, *, visibility: str = "public", **kwargs) -> Case:
    case = handled(p, **kwargs)
    now = kwargs.get("now", MONDAY)
    return services.publish_case(case_id=case.pk, visibility=visibility, reply_text=REPLY,
                                 actor=p.coordinator, now=now + 6 * drive.STEP)


def photos_of(case: Case) -> list[DraftPhoto]:
    return list(DraftPhoto.objects.filter(draft__assignment__case=case).order_by("pk"))
