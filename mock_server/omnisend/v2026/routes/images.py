"""Images, 2026-03-15 (reference §5.12): multipart upload, register by URL, list, get, delete; and the
sandbox's own address serving uploaded files back (the ``url`` the API returns)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_server.core.errors import NotFound
from mock_server.core.http import empty_response, json_response
from mock_server.core.request import ctx
from mock_server.omnisend import constants as VC
from mock_server.omnisend import marketing_constants as M
from mock_server.omnisend.backend import Brand
from mock_server.omnisend.backend import images as rules
from mock_server.omnisend.v2026.common import CursorList, brand, read_cursor_page
from mock_server.omnisend.v2026.marketing_common import NAME_CONTAINS, json_object
from mock_server.omnisend.v2026.policy import operation
from mock_server.omnisend.v2026.schemas.marketing import ImageUrlSchema

IMAGES = CursorList(name="api2026:images", sorts=("createdAt", "name"), default_sort="createdAt",
                    filters=(NAME_CONTAINS,))


def _base() -> str:
    return ctx().settings.public_url or request.host_url


def register(bp: Blueprint) -> None:
    """Attach the 2026 image routes and the file route."""

    @bp.get("/api/images")
    @operation("images.read", query=IMAGES.parameters)
    def api_list_images() -> Response:
        """List images (cursor paging)."""
        result, paging = read_cursor_page(IMAGES, brand().col(rules.COLLECTION))
        return json_response({"images": [rules.render(r, _base()) for r in result.items], "paging": paging})

    @bp.post("/api/images")
    @operation("images.write", body=ImageUrlSchema)
    def api_register_image() -> Response:
        """Register an image by its public HTTPS URL (201)."""
        return json_response(rules.register_url(brand(), json_object()), 201)

    @bp.post("/api/images/upload")
    @operation("images.write")
    def api_upload_image() -> Response:
        """Upload a JPEG, PNG, GIF or WebP file of at most 5 MB as multipart/form-data (201)."""
        given = request.files.get("file")
        data, filename = None, None
        if given is not None:
            try:
                data, filename = given.read(), given.filename
            finally:
                given.close()  # large parts are spooled to a temporary file
        return json_response(rules.upload(brand(), data, filename, request.form.get("name"), _base()), 201)

    @bp.get("/api/images/<image_id>")
    @operation("images.read")
    def api_get_image(image_id: str) -> Response:
        """Read one image."""
        return json_response(rules.get(brand(), image_id, _base()))

    @bp.delete("/api/images/<image_id>")
    @operation("images.write")
    def api_delete_image(image_id: str) -> Response:
        """Delete an image (204); its file is no longer served."""
        rules.delete(brand(), image_id)
        return empty_response(204)

    @bp.get(f"{M.IMAGE_PATH}/<brand_id>/<image_id>/<name>")
    def image_file(brand_id: str, image_id: str, name: str) -> Response:
        """Serve an uploaded file, like the vendor's public CDN (no credentials, mock decision)."""
        mock = ctx()
        tenant = mock.tenant(VC.VENDOR, brand_id)
        if tenant is None:
            raise NotFound(M.ERR_IMAGE_NOT_FOUND)
        with tenant.lock:
            found = rules.file_of(Brand(mock, tenant), image_id)
        if found is None:
            raise NotFound(M.ERR_IMAGE_NOT_FOUND)
        data, kind = found
        response = Response(data, status=200, content_type=kind)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
