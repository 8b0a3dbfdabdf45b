"""{{ project_name }}: {{ task }} model training pipeline built with {% if framework == 'sklearn' %}scikit-learn{% else %}PyTorch{% endif %}."""

__version__ = "0.1.0"
