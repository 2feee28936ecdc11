"""/api/email-templates, /email-content, /email-universal-layouts (2026 §5.11) and /api/images (§5.12)."""

from __future__ import annotations

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.v2026 import constants as C
from tests.omnisend.marketing import images_data
from tests.omnisend.v2026.helpers import API, assert_problem, call, invalid, problem

WELCOME = "6700a0000000000000000001"
ANNA = "65b2a0c1d2e3f4a5b6c7d000"
LOGO = "6710a0000000000000000001"


def test_templates_list_limits(client: FlaskClient) -> None:
    body = call(client, "GET", "/email-templates").get_json()
    assert [t["name"] for t in body["templates"]] == ["Monthly newsletter", "Abandoned cart reminder", "Welcome"]
    assert set(body["templates"][0]) == {"id", "name", "createdAt", "updatedAt"}
    assert body["paging"]["limit"] == 50
    assert call(client, "GET", "/email-templates", query="limit=100").status_code == 200
    response = call(client, "GET", "/email-templates", query="limit=101", contract=False)
    assert response.status_code == 400 and response.get_json()["errors"][0]["field"] == "limit"
    named = call(client, "GET", "/email-templates", query="nameContains=cart").get_json()
    assert [t["name"] for t in named["templates"]] == ["Abandoned cart reminder"]


def test_render_substitutes_the_contacts_fields(client: FlaskClient) -> None:
    response = call(client, "POST", f"/email-templates/{WELCOME}/render", json={"contactID": ANNA})
    html = response.get_json()[M.RENDER_MEMBER]
    assert "<h1>Welcome, Anna!</h1>" in html and "Thanks for joining Demo Outdoor Store." in html
    anonymous = call(client, "POST", f"/email-templates/{WELCOME}/render").get_json()[M.RENDER_MEMBER]
    assert "<h1>Welcome, explorer!</h1>" in anonymous


def test_template_crud_and_import(client: FlaskClient) -> None:
    created = call(client, "POST", "/email-templates", json={"name": "T", "sections": []})
    assert created.status_code == 201
    template_id = created.get_json()["id"]
    assert call(client, "PUT", f"/email-templates/{template_id}", json={"name": "T2"}).get_json()["name"] == "T2"
    assert call(client, "DELETE", f"/email-templates/{template_id}").status_code == 204
    missing = call(client, "GET", f"/email-templates/{template_id}")
    assert_problem(missing, problem(missing, 404, M.ERR_TEMPLATE_NOT_FOUND))
    imported = call(client, "POST", "/email-templates/import", json={
        "name": "Imported", "html": "<html><head><style>p{color:red}</style></head><body><p>Hi [[contact.email]]</p>"
                                    "</body></html>"}).get_json()
    block = imported["sections"][0]["rows"][0]["columns"][0]["blocks"][0]
    assert block["type"] == "htmlCode" and block["htmlCode"]["html"] == "<p>Hi [[contact.email]]</p>"
    bad = call(client, "POST", "/email-templates", json={"sections": "x"})
    assert_problem(bad, invalid(bad, ("name", C.CODE_REQUIRED, "required"),
                                ("sections", C.CODE_TYPE, "invalid type, expected array")))


def test_content_render_is_422_on_a_broken_tag(client: FlaskClient) -> None:
    campaign = call(client, "GET", "/campaigns/6740a0000000000000000001").get_json()
    content_id = campaign["content"]["email"]["contentID"]
    assert "New on the trail, friend" in call(client, "POST", f"/email-content/{content_id}/render").get_json()["html"]
    section = {"id": "a" * 24, "rows": [{"id": "b" * 24, "columns": [{"id": "c" * 24, "blocks": [
        {"id": "d" * 24, "type": "text", "text": "Hi [[contact.first_name"}]}]}]}
    assert call(client, "PUT", f"/email-content/{content_id}", json={"sections": [section]}).status_code == 200
    response = call(client, "POST", f"/email-content/{content_id}/render")
    assert_problem(response, problem(response, 422, M.ERR_LIQUID))


def test_render_budget_40_per_minute(client: FlaskClient) -> None:
    for n in range(40):
        assert call(client, "POST", f"/email-templates/{WELCOME}/render", contract=False).status_code == 200, n
    response = call(client, "POST", f"/email-templates/{WELCOME}/render")
    assert_problem(response, problem(response, 429, C.DETAIL_RATE.format(limit=40, window="minute"), retryAfter=60))


def test_layouts(client: FlaskClient) -> None:
    created = call(client, "POST", "/email-universal-layouts", json={"name": "Footer", "content": {"rows": []}})
    assert created.status_code == 201 and created.get_json()["snapshotState"] == "ready"
    listed = call(client, "GET", "/email-universal-layouts").get_json()
    assert [layout["name"] for layout in listed["universalLayouts"]] == ["Footer"]
    sorted_ = call(client, "GET", "/email-universal-layouts", query="sort=createdAt", contract=False)
    assert sorted_.status_code == 400  # no sort parameter on layouts (always newest first)
    layout_id = created.get_json()["id"]
    assert call(client, "DELETE", f"/email-universal-layouts/{layout_id}").status_code == 204
    missing = call(client, "GET", f"/email-universal-layouts/{layout_id}")
    assert_problem(missing, problem(missing, 404, M.ERR_LAYOUT_NOT_FOUND))


def _upload(client: FlaskClient, data: bytes, filename: str, name: str | None = None) -> TestResponse:
    """POST a multipart/form-data body built here (in memory, so no temporary file is left open)."""
    boundary = "----mock-boundary"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             f"Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n"]
    if name:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\n{name}\r\n'.encode())
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post("/api/images/upload", data=body, headers=API,
                       content_type=f"multipart/form-data; boundary={boundary}")


def test_upload_and_the_file_is_served_at_its_url(client: FlaskClient) -> None:
    data = images_data.png(4, 3)
    response = _upload(client, data, "badge.png", "Badge")
    assert response.status_code == 201
    image = response.get_json()
    assert (image["name"], image["type"], image["width"], image["height"], image["size"]) == (
        "Badge", "image/png", 4, 3, len(data))
    served = client.get(image["url"].replace("http://localhost", ""))
    assert served.status_code == 200 and served.data == data and served.mimetype == "image/png"
    assert call(client, "GET", f"/images/{image['id']}").get_json() == image
    assert call(client, "DELETE", f"/images/{image['id']}").status_code == 204
    assert client.get(image["url"].replace("http://localhost", "")).status_code == 404


def test_upload_refuses_other_types(client: FlaskClient) -> None:
    response = _upload(client, b"GIF88a broken", "x.gif")
    assert_problem(response, invalid(response, ("file", C.CODE_FORMAT,
                                                "invalid_format: must be a JPEG, PNG, GIF or WebP image")))
    big = _upload(client, images_data.png() + b"\x00" * M.IMAGE_MAX_BYTES, "big.png")
    assert_problem(big, invalid(big, ("file", C.CODE_VALUE, "must be at most 5 MB")))


def test_fixture_logo_and_list(client: FlaskClient) -> None:
    body = call(client, "GET", "/images").get_json()
    assert [i["id"] for i in body["images"]] == [LOGO]
    logo = client.get(body["images"][0]["url"].replace("http://localhost", ""))
    assert logo.status_code == 200 and logo.data.startswith(b"\x89PNG")
    by_url = call(client, "POST", "/images", json={"url": "https://cdn.example.com/p/boot.jpg"})
    assert by_url.status_code == 201 and by_url.get_json()["type"] == "image/jpeg"
    missing = call(client, "GET", "/images/" + "0" * 24, contract=False)  # C-images declares no 404 (mock decision)
    assert_problem(missing, problem(missing, 404, M.ERR_IMAGE_NOT_FOUND))
