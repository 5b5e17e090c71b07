"""Drives Batchyard with the real TofuPilot client (tofupilot==2.2.4), batches and units, typed errors included.

Started by tofupilot-client.e2e.spec.ts with BATCHYARD_URL, USER_KEY and STATION_KEY; exits non-zero on the first
failed check. Each check prints one line, so the jest report shows how far it got.
"""
import os
import uuid

from tofupilot.v2 import TofuPilot, errors

URL = os.environ["BATCHYARD_URL"]
user = TofuPilot(api_key=os.environ["USER_KEY"], server_url=URL)
station = TofuPilot(api_key=os.environ["STATION_KEY"], server_url=URL)
tag = uuid.uuid4().hex[:6].upper()


def check(name, condition):
    assert condition, name
    print(f"ok - {name}")


def raises(cls, call):
    try:
        call()
    except cls as error:
        return error
    raise AssertionError(f"expected {cls.__name__}")


# Batches
lot1, lot2 = f"BY{tag}-LOT1", f"BY{tag}-LOT2"
created = user.batches.create(number=lot1)
check("batch create returns a uuid id", uuid.UUID(created.id) is not None)
station.batches.create(number=lot2)
got = user.batches.get(number=lot1.lower())
check("batch get ignores case and has units []", got.id == created.id and got.number == lot1 and got.units == [])
check("created_by_user from a user key", got.created_by_user is not None and got.created_by_station is None)
check("created_by_station from a station key", station.batches.get(number=lot2).created_by_station is not None)

conflict = raises(errors.ErrorCONFLICT, lambda: user.batches.create(number=lot1.lower()))
check("duplicate number is ErrorCONFLICT", conflict.status_code == 409)
bad = raises(errors.ErrorBADREQUEST, lambda: user.batches.create(number="has space"))
check("bad number is ErrorBADREQUEST with issues", "validation" in str(bad).lower() and bad.data.issues)
missing = raises(errors.ErrorNOTFOUND, lambda: user.batches.get(number=f"BY{tag}-NONE"))
check("unknown number is ErrorNOTFOUND", missing.status_code == 404)

page1 = user.batches.list(numbers=[lot1, lot2], limit=1)
check("first page has more and a cursor", page1.meta.has_more and page1.meta.next_cursor is not None and len(page1.data) == 1)
page2 = user.batches.list(numbers=[lot1, lot2], limit=1, cursor=page1.meta.next_cursor)
check("next page is another batch, the last", page2.data[0].id != page1.data[0].id and page2.meta.next_cursor is None)
check("list items carry unit_count", page1.data[0].unit_count == 0)
asc = user.batches.list(numbers=[lot1, lot2], sort_by="created_at", sort_order="asc")
desc = user.batches.list(numbers=[lot1, lot2], sort_by="created_at", sort_order="desc")
check("sort order changes the first item", asc.data[0].id != desc.data[0].id)

renamed = f"BY{tag}-LOT3"
check("rename returns the id", user.batches.update(number=lot1, new_number=renamed).id == created.id)
clash = raises(errors.ErrorCONFLICT, lambda: user.batches.update(number=renamed, new_number=lot2))
check("rename onto a taken number is ErrorCONFLICT", clash.status_code == 409)
forbidden = raises(errors.APIError, lambda: station.batches.update(number=renamed, new_number=f"BY{tag}-X"))
check("station update is 403", forbidden.status_code == 403)
forbidden = raises(errors.APIError, lambda: station.batches.delete(number=renamed))
check("station delete is 403", forbidden.status_code == 403)

# Units
sn1, sn2 = f"BY{tag}-SN1", f"BY{tag}-SN2"
unit = station.units.create(serial_number=sn1, part_number=f"PCB{tag}", revision_number="A")
user.units.create(serial_number=sn2, part_number=f"PCB{tag}", revision_number="B")
read = user.units.get(serial_number=sn1.lower())
check("unit get ignores case; part named by its number; no parent", read.id == unit.id and read.part.name == f"PCB{tag}" and read.parent is None)
dup = raises(errors.ErrorCONFLICT, lambda: user.units.create(serial_number=sn1, part_number="P", revision_number="A"))
check("duplicate serial is ErrorCONFLICT mentioning it", "already exists" in str(dup).lower())

user.units.update(serial_number=sn1, batch_number=renamed)
check("unit assigned to a batch", user.units.get(serial_number=sn1).batch.number == renamed)
batch = user.batches.get(number=renamed)
check("batch get lists its unit", [u.serial_number for u in batch.units] == [sn1])
check("unit_count counts it", user.batches.list(numbers=[renamed]).data[0].unit_count == 1)
listed = user.units.list(batch_numbers=[renamed])
check("units.list by batch (always sends latest_only, exclude_units_with_parent)", [u.id for u in listed.data] == [unit.id] and listed.data[0].children == [])
check("batches.list by unit serial", [b.number for b in user.batches.list(search_query=sn1).data] == [renamed])
check("batches.list by part number", renamed in [b.number for b in user.batches.list(part_numbers=[f"PCB{tag}"]).data])

user.units.update(serial_number=sn1, new_serial_number=f"{sn1}X", part_number=f"PCB{tag}2", revision_number="C")
moved = user.units.get(serial_number=f"{sn1}X")
check("unit renamed and moved to another part/revision", moved.part.number == f"PCB{tag}2" and moved.part.revision.number == "C")
user.units.update(serial_number=f"{sn1}X", batch_number=None)
check("batch_number None unlinks", user.units.get(serial_number=f"{sn1}X").batch is None)

forbidden = raises(errors.APIError, lambda: station.units.delete(serial_numbers=[sn2]))
check("station unit delete is 403", forbidden.status_code == 403)
deleted = user.units.delete(serial_numbers=[f"{sn1}X", sn2])
check("unit delete returns both ids", len(deleted.id) == 2 and unit.id in deleted.id)
gone = raises(errors.ErrorNOTFOUND, lambda: user.units.get(serial_number=sn2))
check("deleted unit is ErrorNOTFOUND", gone.status_code == 404)

check("batch delete returns [id]", user.batches.delete(number=renamed).id == [created.id])
raises(errors.ErrorNOTFOUND, lambda: user.batches.get(number=renamed))
bad_key = TofuPilot(api_key="bogus", server_url=URL)
unauthorized = raises(errors.ErrorUNAUTHORIZED, lambda: bad_key.batches.list())
check("a wrong key is ErrorUNAUTHORIZED", unauthorized.status_code == 401)
print("all checks passed")
