"""(placeholder: filled by the admin work)"""
from flask import Blueprint

bp = Blueprint("admin", __name__)
